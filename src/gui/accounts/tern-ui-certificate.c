/* tern-ui-certificate.c: a server certificate shown to a person
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the assistant's test page, the certificate remedy and the account settings
 * show before the user trusts (pins) a certificate: why it does not validate, in
 * words, and who it is for, who issued it, when it is valid, the names it covers and
 * its SHA-256 fingerprint (gui.md section 6).
 */
#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "tern-ui-certificate.h"

/**
 * tern_ui_certificate_describe_errors:
 *
 * Returns: (transfer full): why a certificate does not validate, in sentences
 */
char *
tern_ui_certificate_describe_errors (GTlsCertificateFlags flags)
{
  GString *text = g_string_new (NULL);
  static const struct { GTlsCertificateFlags flag; const char *text; } reasons[] = {
    { G_TLS_CERTIFICATE_UNKNOWN_CA, N_("It is not signed by an authority this computer knows.") },
    { G_TLS_CERTIFICATE_BAD_IDENTITY, N_("It is for another server name.") },
    { G_TLS_CERTIFICATE_NOT_ACTIVATED, N_("It is not valid yet.") },
    { G_TLS_CERTIFICATE_EXPIRED, N_("It has expired.") },
    { G_TLS_CERTIFICATE_REVOKED, N_("It was revoked.") },
    { G_TLS_CERTIFICATE_INSECURE, N_("Its algorithm is insecure.") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    if (flags & reasons[i].flag)
      {
        if (text->len > 0)
          g_string_append_c (text, ' ');
        g_string_append (text, _(reasons[i].text));
      }
  if (text->len == 0)
    g_string_append (text, _("It does not validate."));
  return g_string_free (text, FALSE);
}

/**
 * tern_ui_certificate_add_row:
 *
 * Appends a property row (its value selectable, its accessible name both) to a
 * boxed list; nothing when @value is empty.
 */
void
tern_ui_certificate_add_row (GtkListBox *list, const char *title, const char *value)
{
  g_autofree char *label = NULL;
  GtkWidget *row;

  if (value == NULL || *value == '\0')
    return;
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  gtk_widget_add_css_class (row, "property");
  label = g_strdup_printf ("%s: %s", title, value);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_list_box_append (list, row);
}

/**
 * tern_ui_certificate_fill_list:
 *
 * Appends the certificate of @diagnosis, one row per property.
 */
void
tern_ui_certificate_fill_list (GtkListBox *list, TernDiagnosis *diagnosis)
{
  g_autofree char *names = NULL;
  g_autofree char *from = NULL, *until = NULL;

  if (tern_diagnosis_get_host_names (diagnosis) != NULL)
    names = g_strjoinv (", ", (char **) tern_diagnosis_get_host_names (diagnosis));
  if (tern_diagnosis_get_not_valid_before (diagnosis) != NULL)
    from = g_date_time_format (tern_diagnosis_get_not_valid_before (diagnosis), "%x");
  if (tern_diagnosis_get_not_valid_after (diagnosis) != NULL)
    until = g_date_time_format (tern_diagnosis_get_not_valid_after (diagnosis), "%x");
  tern_ui_certificate_add_row (list, _("Issued To"), tern_diagnosis_get_subject (diagnosis));
  tern_ui_certificate_add_row (list, _("Issued By"), tern_diagnosis_get_issuer (diagnosis));
  tern_ui_certificate_add_row (list, _("Server Names"), names);
  tern_ui_certificate_add_row (list, _("Valid From"), from);
  tern_ui_certificate_add_row (list, _("Valid Until"), until);
  tern_ui_certificate_add_row (list, _("SHA-256 Fingerprint"), tern_diagnosis_get_fingerprint (diagnosis));
}
