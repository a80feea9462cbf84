/* tern-ui-account-assistant.c: add an account: who, IMAP or POP3, detected, reviewed,
 * tested, saved
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A modal AdwWindow whose pages are an AdwLeaflet that never unfolds (gui.md
 * section 6; AdwNavigationView is libadwaita 1.4):
 *
 *   who     name, address (checked as typed), password
 *   kind    IMAP or POP3, explained; detection (TernAutoconfig) runs meanwhile, each
 *           step shown as it happens in an expander row, at most 10 s; a protocol
 *           the provider does not offer is shown unavailable, with the reason
 *   review  the servers found (or empty: manual set-up), every field editable, and
 *           the protocol's options
 *   test    both servers logged in to for real, at once (TernMailCheck), with the
 *           engine's diagnosis of a failure; an untrusted certificate is shown and
 *           may be trusted (pinned with the account)
 *   keyring the password could not be stored (no Secret Service): it can be kept in
 *           memory and asked for at each start
 *
 * Everything slow is asynchronous with a GCancellable per step, cancelled on Back,
 * on close and in dispose; callbacks hold a reference and return silently when
 * cancelled. The UI thread never waits for the network, the disk or the keyring
 * (the account is saved by tern_mail_add_account_async(), whose keyring call has a
 * timeout).
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "tern-account-error.h"
#include "tern-autoconfig.h"
#include "tern-ui-account-assistant.h"
#include "tern-ui-certificate.h"
#include "tern-ui-server-form.h"

struct _TernUiAccountAssistant
{
  AdwWindow             parent_instance;

  AdwWindowTitle       *window_title;
  GtkButton            *back_button;
  GtkButton            *next_button;
  GtkSpinner           *next_spinner;
  GtkLabel             *next_label;
  AdwToastOverlay      *toasts;
  AdwLeaflet           *pages;

  AdwEntryRow          *name_row;
  AdwEntryRow          *email_row;
  AdwPasswordEntryRow  *password_row;
  GtkLabel             *email_hint;

  AdwActionRow         *imap_row;
  AdwActionRow         *pop3_row;
  GtkCheckButton       *imap_check;
  GtkCheckButton       *pop3_check;
  AdwExpanderRow       *detect_row;
  GtkStack             *detect_status;
  GtkSpinner           *detect_spinner;

  GtkLabel             *review_description;
  TernUiServerForm     *incoming_form;
  TernUiServerForm     *outgoing_form;
  AdwPreferencesGroup  *imap_options;
  AdwPreferencesGroup  *pop3_options;
  AdwComboRow          *body_row;
  GtkSwitch            *leave_switch;
  GtkSpinButton        *delete_after_spin;
  GtkSwitch            *delete_when_switch;

  AdwActionRow         *incoming_check_row;
  AdwActionRow         *outgoing_check_row;
  GtkStack             *incoming_check_status;
  GtkStack             *outgoing_check_status;
  GtkSpinner           *incoming_check_spinner;
  GtkSpinner           *outgoing_check_spinner;
  AdwPreferencesGroup  *retry_group;
  AdwPasswordEntryRow  *retry_password_row;
  AdwPreferencesGroup  *certificate_group;
  GtkListBox           *certificate_list;
  GtkButton            *trust_button;

  AdwStatusPage        *keyring_page;
  GtkButton            *ask_button;

  TernMail             *mail;
  TernAutoconfig       *autoconfig;

  /* detection */
  GCancellable         *detect_cancellable;
  char                 *detected_address;  /* what detection ran (or runs) for */
  TernAutoconfigResult *detected;
  gboolean              detecting;
  GPtrArray            *step_rows;

  /* the test */
  GCancellable         *check_cancellable;
  TernAccount          *checked;
  guint                 checks_pending;
  gboolean              incoming_ok;
  gboolean              outgoing_ok;
  TernDiagnosis        *untrusted;          /* the certificate shown */
  char                 *pin;                /* the certificate the user trusts */

  /* saving */
  GCancellable         *save_cancellable;
  gboolean              saving;
  gboolean              ask_password;       /* kept nowhere: asked at each start */
};

G_DEFINE_FINAL_TYPE (TernUiAccountAssistant, tern_ui_account_assistant, ADW_TYPE_WINDOW)

enum { SIGNAL_ACCOUNT_ADDED, SIGNAL_PAGE_READY, N_SIGNALS };
static guint signals[N_SIGNALS];

static void update_buttons (TernUiAccountAssistant *self);

/* ---- helpers --------------------------------------------------------------------- */

static const char *
page_name (TernUiAccountAssistant *self)
{
  return adw_leaflet_get_visible_child_name (self->pages);
}

static gboolean
on_page (TernUiAccountAssistant *self, const char *name)
{
  return g_strcmp0 (page_name (self), name) == 0;
}

static void
show_page (TernUiAccountAssistant *self, const char *name)
{
  adw_leaflet_set_visible_child_name (self->pages, name);
}

static void
page_ready (TernUiAccountAssistant *self, const char *name)
{
  g_signal_emit (self, signals[SIGNAL_PAGE_READY], 0, name);
}

static void
renew (GCancellable **cancellable)
{
  if (*cancellable != NULL)
    g_cancellable_cancel (*cancellable);
  g_clear_object (cancellable);
  *cancellable = g_cancellable_new ();
}

static void
stop (GCancellable **cancellable)
{
  if (*cancellable != NULL)
    g_cancellable_cancel (*cancellable);
  g_clear_object (cancellable);
}

static void
toast (TernUiAccountAssistant *self, const char *text)
{
  AdwToast *t = adw_toast_new (text);

  adw_toast_set_timeout (t, 8);
  adw_toast_overlay_add_toast (self->toasts, t);
}

/* The address typed, trimmed (a new string). */
static char *
dup_address (TernUiAccountAssistant *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->email_row))));
}

static gboolean
address_is_valid (const char *address)
{
  const char *at = strchr (address, '@');

  return at != NULL && at != address && at[1] != '\0' && strchr (at + 1, '@') == NULL &&
         strpbrk (address, " \t\r\n<>,;\"") == NULL && strchr (at + 1, '.') != NULL &&
         at[strlen (at) - 1] != '.';
}

static const char *
password (TernUiAccountAssistant *self)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->password_row));
}

static TernAccountProtocol
chosen_protocol (TernUiAccountAssistant *self)
{
  return gtk_check_button_get_active (self->pop3_check) ? TERN_ACCOUNT_PROTOCOL_POP3 : TERN_ACCOUNT_PROTOCOL_IMAP;
}

static const char *
protocol_label (TernAccountProtocol protocol)
{
  return protocol == TERN_ACCOUNT_PROTOCOL_POP3 ? "POP3" : "IMAP";
}

static const char *
domain_of (const char *address)
{
  const char *at = address != NULL ? strrchr (address, '@') : NULL;

  return at != NULL ? at + 1 : "";
}

/* ---- page 1: who ------------------------------------------------------------------- */

static void
who_changed_cb (TernUiAccountAssistant *self)
{
  g_autofree char *address = dup_address (self);
  gboolean bad = *address != '\0' && !address_is_valid (address);

  if (bad)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->email_row), "error");
      gtk_label_set_text (self->email_hint, strchr (address, '@') == NULL
                                              ? _("An address has an @, like alice@example.com.")
                                              : _("This is not a complete e-mail address yet."));
    }
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->email_row), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->email_hint), bad);
  update_buttons (self);
}

/* ---- page 2: IMAP or POP3, and detection ---------------------------------------------- */

static void
clear_steps (TernUiAccountAssistant *self)
{
  for (guint i = 0; i < self->step_rows->len; i++)
    adw_expander_row_remove (self->detect_row, self->step_rows->pdata[i]);
  g_ptr_array_set_size (self->step_rows, 0);
}

static void
add_step (TernUiAccountAssistant *self, const char *icon, const char *text)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *image = gtk_image_new_from_icon_name (icon);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), image);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  adw_expander_row_add_row (self->detect_row, row);
  g_ptr_array_add (self->step_rows, row);
}

static void
detect_progress_cb (TernAutoconfig *autoconfig, const char *text, TernUiAccountAssistant *self)
{
  if (self->detecting)
    add_step (self, "content-loading-symbolic", text);
}

static const char *
outcome_icon (TernAutoconfigStepOutcome outcome)
{
  switch (outcome)
    {
    case TERN_AUTOCONFIG_STEP_FOUND:
      return "emblem-ok-symbolic";
    case TERN_AUTOCONFIG_STEP_FAILED:
      return "dialog-warning-symbolic";
    case TERN_AUTOCONFIG_STEP_SKIPPED:
      return "media-skip-forward-symbolic";
    case TERN_AUTOCONFIG_STEP_NOTHING:
    default:
      return "window-close-symbolic";
    }
}

/* Where the servers came from, in words. */
static char *
describe_source (TernAutoconfigResult *result)
{
  const char *domain = domain_of (tern_autoconfig_result_get_address (result));

  switch (tern_autoconfig_result_get_source (result))
    {
    case TERN_AUTOCONFIG_SOURCE_ISPDB:
      return g_strdup_printf (_("Found in Tern’s provider database: %s"),
                              tern_autoconfig_result_get_provider_name (result));
    case TERN_AUTOCONFIG_SOURCE_SRV:
      return g_strdup_printf (_("Found in the DNS records of %s (SRV)"), domain);
    case TERN_AUTOCONFIG_SOURCE_MX:
      return g_strdup_printf (_("Found from the mail server of %s, hosted by %s"), domain,
                              tern_autoconfig_result_get_provider_name (result) != NULL
                                ? tern_autoconfig_result_get_provider_name (result) : "?");
    case TERN_AUTOCONFIG_SOURCE_GUESS:
    default:
      return g_strdup_printf (_("Found by trying the usual server names of %s"), domain);
    }
}

static void
set_protocol_available (TernUiAccountAssistant *self, AdwActionRow *row, gboolean available, const char *reason)
{
  const char *explanation = g_object_get_data (G_OBJECT (row), "tern-explanation");

  if (explanation == NULL)
    {
      g_object_set_data_full (G_OBJECT (row), "tern-explanation", g_strdup (adw_action_row_get_subtitle (row)),
                              g_free);
      explanation = g_object_get_data (G_OBJECT (row), "tern-explanation");
    }
  gtk_widget_set_sensitive (GTK_WIDGET (row), available);
  if (available)
    adw_action_row_set_subtitle (row, explanation);
  else
    {
      g_autofree char *text = g_strdup_printf ("%s\n%s", reason, explanation);

      adw_action_row_set_subtitle (row, text);
    }
}

static void
detected_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernUiAccountAssistant) self = user_data;
  g_autoptr(TernAutoconfigResult) found = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  gboolean has_imap = FALSE, has_pop3 = FALSE;
  const char *domain;

  found = tern_autoconfig_detect_finish (TERN_AUTOCONFIG (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->detecting = FALSE;
  g_set_object (&self->detected, found);
  gtk_spinner_set_spinning (self->detect_spinner, FALSE);
  domain = domain_of (self->detected_address);

  if (found != NULL)
    {
      GPtrArray *steps = tern_autoconfig_result_get_steps (found);

      /* The steps again, now with their outcomes. */
      clear_steps (self);
      for (guint i = 0; steps != NULL && i < steps->len; i++)
        {
          const TernAutoconfigStep *step = steps->pdata[i];

          add_step (self, outcome_icon (step->outcome), step->text);
        }
      has_imap = tern_autoconfig_result_get_server (found, TERN_AUTOCONFIG_PROTOCOL_IMAP) != NULL;
      has_pop3 = tern_autoconfig_result_get_server (found, TERN_AUTOCONFIG_PROTOCOL_POP3) != NULL;
      summary = describe_source (found);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->detect_row), summary);
      adw_expander_row_set_subtitle (self->detect_row, _("Details of each step"));
      gtk_stack_set_visible_child_name (self->detect_status, "found");
    }
  else
    {
      summary = g_strdup_printf (_("No servers found for %s: you will type them on the next page"), domain);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->detect_row), summary);
      adw_expander_row_set_subtitle (self->detect_row, error != NULL ? error->message : NULL);
      gtk_stack_set_visible_child_name (self->detect_status, "nothing");
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->detect_row), GTK_ACCESSIBLE_PROPERTY_LABEL, summary, -1);

  if (has_imap || has_pop3)
    {
      g_autofree char *no_imap = g_strdup_printf (_("Not available: %s offers no IMAP server."), domain);
      g_autofree char *no_pop3 = g_strdup_printf (_("Not available: %s offers no POP3 server."), domain);

      set_protocol_available (self, self->imap_row, has_imap, no_imap);
      set_protocol_available (self, self->pop3_row, has_pop3, no_pop3);
      if (!has_imap)
        gtk_check_button_set_active (self->pop3_check, TRUE);
      else if (!has_pop3)
        gtk_check_button_set_active (self->imap_check, TRUE);
    }
  else
    {
      set_protocol_available (self, self->imap_row, TRUE, NULL);
      set_protocol_available (self, self->pop3_row, TRUE, NULL);
    }
  update_buttons (self);
  page_ready (self, "kind");
}

static void
start_detection (TernUiAccountAssistant *self, const char *address)
{
  g_autofree char *title = g_strdup_printf (_("Looking for the servers of %s…"), domain_of (address));

  renew (&self->detect_cancellable);
  g_free (self->detected_address);
  self->detected_address = g_strdup (address);
  g_clear_object (&self->detected);
  g_clear_pointer (&self->pin, g_free);
  clear_steps (self);
  self->detecting = TRUE;
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->detect_row), title);
  adw_expander_row_set_subtitle (self->detect_row, _("At most 10 seconds"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->detect_row), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  gtk_stack_set_visible_child_name (self->detect_status, "running");
  gtk_spinner_set_spinning (self->detect_spinner, TRUE);
  set_protocol_available (self, self->imap_row, TRUE, NULL);
  set_protocol_available (self, self->pop3_row, TRUE, NULL);
  gtk_check_button_set_active (self->imap_check, TRUE);
  tern_autoconfig_detect_async (self->autoconfig, address, TERN_AUTOCONFIG_FLAGS_NONE, self->detect_cancellable,
                                detected_cb, g_object_ref (self));
}

/* ---- page 3: review --------------------------------------------------------------------- */

static void
review_changed_cb (TernUiAccountAssistant *self)
{
  update_buttons (self);
}

static const TernAutoconfigServer *
detected_server (TernUiAccountAssistant *self, TernAutoconfigProtocol protocol)
{
  return self->detected != NULL ? tern_autoconfig_result_get_server (self->detected, protocol) : NULL;
}

static void
fill_review (TernUiAccountAssistant *self)
{
  TernAccountProtocol protocol = chosen_protocol (self);
  const TernAutoconfigServer *in, *out;
  g_autofree char *address = dup_address (self);
  g_autofree char *text = NULL;

  in = detected_server (self, protocol == TERN_ACCOUNT_PROTOCOL_POP3 ? TERN_AUTOCONFIG_PROTOCOL_POP3
                                                                     : TERN_AUTOCONFIG_PROTOCOL_IMAP);
  out = detected_server (self, TERN_AUTOCONFIG_PROTOCOL_SMTP);
  tern_ui_server_form_set_kind (self->incoming_form, protocol == TERN_ACCOUNT_PROTOCOL_POP3 ? TERN_UI_SERVER_POP3
                                                                                            : TERN_UI_SERVER_IMAP);
  tern_ui_server_form_set_kind (self->outgoing_form, TERN_UI_SERVER_SMTP);
  tern_ui_server_form_set_plaintext_confirmed (self->incoming_form, FALSE);
  tern_ui_server_form_set_plaintext_confirmed (self->outgoing_form, FALSE);
  if (in != NULL)
    tern_ui_server_form_set_server (self->incoming_form, in->host, in->port, in->security, in->user);
  else
    tern_ui_server_form_set_server (self->incoming_form, "", 0, TERN_NET_SECURITY_TLS, address);
  if (out != NULL)
    tern_ui_server_form_set_server (self->outgoing_form, out->host, out->port, out->security, out->user);
  else
    tern_ui_server_form_set_server (self->outgoing_form, in != NULL ? in->host : "", 0, TERN_NET_SECURITY_TLS,
                                    in != NULL ? in->user : address);

  if (in != NULL)
    {
      g_autofree char *source = describe_source (self->detected);

      text = g_strdup_printf (_("%s. Change anything your provider says otherwise."), source);
    }
  else
    text = g_strdup_printf (_("Tern found no %s server for %s. Type the servers your provider gives; the login "
                              "is usually your whole address."),
                            protocol_label (protocol), domain_of (address));
  gtk_label_set_text (self->review_description, text);
  gtk_widget_set_visible (GTK_WIDGET (self->imap_options), protocol == TERN_ACCOUNT_PROTOCOL_IMAP);
  gtk_widget_set_visible (GTK_WIDGET (self->pop3_options), protocol == TERN_ACCOUNT_PROTOCOL_POP3);
}

static const guint body_days[] = { 0, 30, 90, 365 };

/* The builder for the settings shown, with the password; NULL with a toast when the
 * settings cannot make an account. */
static TernMailAccountBuilder *
make_builder (TernUiAccountAssistant *self, GError **error)
{
  g_autofree char *address = dup_address (self);
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  g_autoptr(TernMailAccountBuilder) builder = tern_mail_account_builder_new (address);
  TernAccountProtocol protocol = chosen_protocol (self);
  TernUiServerForm *forms[] = { self->incoming_form, self->outgoing_form };
  g_autofree char *in_host = NULL, *out_host = NULL;
  guint body = adw_combo_row_get_selected (self->body_row);

  if (*name != '\0')
    tern_mail_account_builder_set_name (builder, name);
  tern_mail_account_builder_set_protocol (builder, protocol);
  tern_mail_account_builder_set_detected (builder, self->detected);
  in_host = g_strstrip (g_strdup (tern_ui_server_form_get_host (forms[0])));
  out_host = g_strstrip (g_strdup (tern_ui_server_form_get_host (forms[1])));
  tern_mail_account_builder_set_incoming (builder, *in_host != '\0' ? in_host : NULL,
                                          tern_ui_server_form_get_port (forms[0]),
                                          tern_ui_server_form_get_security (forms[0]),
                                          *tern_ui_server_form_get_user (forms[0]) != '\0'
                                            ? tern_ui_server_form_get_user (forms[0]) : NULL);
  tern_mail_account_builder_set_outgoing (builder, *out_host != '\0' ? out_host : NULL,
                                          tern_ui_server_form_get_port (forms[1]),
                                          tern_ui_server_form_get_security (forms[1]),
                                          *tern_ui_server_form_get_user (forms[1]) != '\0'
                                            ? tern_ui_server_form_get_user (forms[1]) : NULL);
  tern_mail_account_builder_set_password (builder, password (self));
  if (self->pin != NULL && !tern_mail_account_builder_set_pinned_certificate (builder, self->pin, error))
    return NULL;
  tern_mail_account_builder_set_allow_plaintext (builder,
                                                 (tern_ui_server_form_get_security (forms[0]) != TERN_NET_SECURITY_NONE ||
                                                  tern_ui_server_form_get_plaintext_confirmed (forms[0])) &&
                                                 (tern_ui_server_form_get_security (forms[1]) != TERN_NET_SECURITY_NONE ||
                                                  tern_ui_server_form_get_plaintext_confirmed (forms[1])));
  if (protocol == TERN_ACCOUNT_PROTOCOL_IMAP)
    tern_mail_account_builder_set_body_days (builder, body < G_N_ELEMENTS (body_days) ? body_days[body] : 0);
  else
    {
      gboolean leave = gtk_switch_get_active (self->leave_switch);

      tern_mail_account_builder_set_leave_on_server (builder, leave);
      tern_mail_account_builder_set_delete_after_days (builder,
                                                       leave ? gtk_spin_button_get_value_as_int (self->delete_after_spin)
                                                             : 0);
      tern_mail_account_builder_set_delete_when_deleted (builder, leave && gtk_switch_get_active (self->delete_when_switch));
    }
  if (self->ask_password)
    tern_mail_account_builder_set_ask_password (builder, TRUE);
  return g_steal_pointer (&builder);
}

/* ---- page 4: the test ----------------------------------------------------------------------- */

static char *
describe_server (const TernServer *server, const char *protocol)
{
  const char *security = server->security == TERN_NET_SECURITY_TLS ? _("TLS")
                         : server->security == TERN_NET_SECURITY_STARTTLS ? _("STARTTLS") : _("no encryption");

  /* Translators: "imap.example.com:993 · IMAP, TLS, as alice" */
  return g_strdup_printf (_("%s:%u · %s, %s, as %s"), server->host, server->port, protocol, security,
                          server->user != NULL ? server->user : "");
}

static void
set_check_row (AdwActionRow *row, GtkStack *status, GtkSpinner *spinner, const char *state, const char *subtitle)
{
  const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));
  g_autofree char *label = g_strdup_printf ("%s: %s", title, subtitle);

  gtk_stack_set_visible_child_name (status, state);
  gtk_spinner_set_spinning (spinner, g_str_equal (state, "running"));
  adw_action_row_set_subtitle (row, subtitle);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
show_certificate (TernUiAccountAssistant *self, TernDiagnosis *diagnosis)
{
  GtkWidget *child;

  g_set_object (&self->untrusted, diagnosis);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->certificate_list))) != NULL)
    gtk_list_box_remove (self->certificate_list, child);
  tern_ui_certificate_fill_list (self->certificate_list, diagnosis);
  {
    g_autofree char *errors = tern_ui_certificate_describe_errors (tern_diagnosis_get_certificate_errors (diagnosis));
    g_autofree char *text = g_strdup_printf ("%s %s", errors,
                                             _("Trust it only if your provider confirms its fingerprint: anybody "
                                               "between you and the server could otherwise read your mail."));

    adw_preferences_group_set_description (self->certificate_group, text);
  }
  gtk_widget_set_visible (GTK_WIDGET (self->certificate_group), TRUE);
}

typedef struct
{
  TernUiAccountAssistant *self;
  TernMailServerRole      role;
  TernAccount            *account;
} CheckJob;

static void
check_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CheckJob *job = user_data;
  TernUiAccountAssistant *self = job->self;
  g_autoptr(TernDiagnosis) diagnosis = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok = tern_mail_check_server_finish (result, &diagnosis, &error);
  gboolean incoming = job->role == TERN_MAIL_SERVER_INCOMING;
  AdwActionRow *row = incoming ? self->incoming_check_row : self->outgoing_check_row;
  GtkStack *status = incoming ? self->incoming_check_status : self->outgoing_check_status;
  GtkSpinner *spinner = incoming ? self->incoming_check_spinner : self->outgoing_check_spinner;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || job->account != self->checked)
    goto out;

  if (incoming)
    self->incoming_ok = ok;
  else
    self->outgoing_ok = ok;
  if (ok)
    {
      const TernServer *server = incoming ? tern_account_get_incoming (job->account)
                                          : tern_account_get_outgoing (job->account);
      g_autofree char *where = describe_server (server, incoming ? protocol_label (tern_account_get_protocol (job->account))
                                                                 : "SMTP");
      g_autofree char *text = g_strdup_printf (_("Logged in — %s"), where);

      set_check_row (row, status, spinner, "ok", text);
    }
  else
    {
      g_autofree char *text = NULL;

      if (diagnosis != NULL)
        text = g_strdup_printf ("%s. %s", tern_diagnosis_get_title (diagnosis),
                                tern_diagnosis_get_explanation (diagnosis));
      else
        text = g_strdup (error->message);
      set_check_row (row, status, spinner, "failed", text);
      if (diagnosis != NULL && tern_diagnosis_get_kind (diagnosis) == TERN_DIAGNOSIS_CERTIFICATE_UNTRUSTED &&
          tern_diagnosis_get_certificate (diagnosis) != NULL)
        show_certificate (self, diagnosis);
      if (diagnosis != NULL && tern_diagnosis_get_kind (diagnosis) == TERN_DIAGNOSIS_LOGIN_REJECTED)
        gtk_widget_set_visible (GTK_WIDGET (self->retry_group), TRUE);
    }
  if (--self->checks_pending == 0)
    {
      update_buttons (self);
      page_ready (self, "test");
    }
  else
    update_buttons (self);

out:
  g_object_unref (job->self);
  g_object_unref (job->account);
  g_free (job);
}

static void
run_checks (TernUiAccountAssistant *self)
{
  g_autoptr(TernMailAccountBuilder) builder = NULL;
  g_autoptr(GError) error = NULL;
  TernAccount *account;
  const char *retyped = gtk_editable_get_text (GTK_EDITABLE (self->retry_password_row));

  if (*retyped != '\0')
    {
      /* The password typed again replaces the first one. */
      gtk_editable_set_text (GTK_EDITABLE (self->password_row), retyped);
      gtk_editable_set_text (GTK_EDITABLE (self->retry_password_row), "");
    }
  builder = make_builder (self, &error);
  account = builder != NULL ? tern_mail_account_builder_build (builder, &error) : NULL;
  if (account == NULL)
    {
      toast (self, error->message);
      return;
    }
  g_clear_object (&self->checked);
  self->checked = account;
  renew (&self->check_cancellable);
  self->incoming_ok = self->outgoing_ok = FALSE;
  self->checks_pending = 2;
  gtk_widget_set_visible (GTK_WIDGET (self->certificate_group), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->retry_group), FALSE);
  g_clear_object (&self->untrusted);

  for (guint i = 0; i < 2; i++)
    {
      gboolean incoming = i == 0;
      const TernServer *server = incoming ? tern_account_get_incoming (account) : tern_account_get_outgoing (account);
      g_autofree char *where = describe_server (server, incoming ? protocol_label (tern_account_get_protocol (account)) : "SMTP");
      g_autofree char *text = g_strdup_printf (_("Logging in — %s"), where);
      CheckJob *job = g_new0 (CheckJob, 1);

      set_check_row (incoming ? self->incoming_check_row : self->outgoing_check_row,
                     incoming ? self->incoming_check_status : self->outgoing_check_status,
                     incoming ? self->incoming_check_spinner : self->outgoing_check_spinner, "running", text);
      job->self = g_object_ref (self);
      job->role = incoming ? TERN_MAIL_SERVER_INCOMING : TERN_MAIL_SERVER_OUTGOING;
      job->account = g_object_ref (account);
      tern_mail_check_server_async (account, job->role, password (self), self->check_cancellable, check_done_cb, job);
    }
  show_page (self, "test");
  update_buttons (self);
}

static void
plaintext_response_cb (AdwMessageDialog *dialog, const char *response, TernUiAccountAssistant *self)
{
  /* Once: closing the dialog after a response emits its close response too. */
  g_signal_handlers_disconnect_by_func (dialog, plaintext_response_cb, self);

  if (g_strcmp0 (response, "plain") == 0)
    {
      if (tern_ui_server_form_get_security (self->incoming_form) == TERN_NET_SECURITY_NONE)
        tern_ui_server_form_set_plaintext_confirmed (self->incoming_form, TRUE);
      if (tern_ui_server_form_get_security (self->outgoing_form) == TERN_NET_SECURITY_NONE)
        tern_ui_server_form_set_plaintext_confirmed (self->outgoing_form, TRUE);
      run_checks (self);
    }
  g_object_unref (self);
}

static gboolean
needs_consent (TernUiServerForm *form)
{
  return tern_ui_server_form_get_security (form) == TERN_NET_SECURITY_NONE &&
         !tern_ui_server_form_get_plaintext_confirmed (form);
}

/* "Test": settings without encryption that detection proposed need the user's
 * consent first (the form asks when the user chooses it). */
static void
start_test (TernUiAccountAssistant *self)
{
  GtkWidget *dialog;

  if (!needs_consent (self->incoming_form) && !needs_consent (self->outgoing_form))
    {
      run_checks (self);
      return;
    }
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Send Your Password Unencrypted?"),
                                   _("This server offers no encryption: your password and your mail would cross the "
                                     "network readable by anyone on the way. Go on only on a network you trust "
                                     "completely."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "plain",
                                    _("_Use No Encryption"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "plain", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (plaintext_response_cb), g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
trust_response_cb (AdwMessageDialog *dialog, const char *response, TernUiAccountAssistant *self)
{
  /* Once: closing the dialog after a response emits its close response too. */
  g_signal_handlers_disconnect_by_func (dialog, trust_response_cb, self);

  if (g_strcmp0 (response, "trust") == 0 && self->untrusted != NULL)
    {
      g_free (self->pin);
      self->pin = g_strdup (tern_diagnosis_get_fingerprint (self->untrusted));
      run_checks (self);
    }
  g_object_unref (self);
}

static void
trust_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TernUiAccountAssistant *self = TERN_UI_ACCOUNT_ASSISTANT (widget);
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (self->untrusted == NULL)
    return;
  body = g_strdup_printf (_("Tern will accept exactly this certificate, with the fingerprint %s, for this account’s "
                            "servers, and no other. Do this only if your provider confirms it."),
                          tern_diagnosis_get_fingerprint (self->untrusted));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Trust This Certificate?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "trust",
                                    _("_Trust This Certificate"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "trust", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (trust_response_cb), g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- saving ------------------------------------------------------------------------------ */

static void save (TernUiAccountAssistant *self);

static void
added_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernUiAccountAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernMailAccount) account = tern_mail_add_account_finish (TERN_MAIL (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->saving = FALSE;
  if (account != NULL)
    {
      g_signal_emit (self, signals[SIGNAL_ACCOUNT_ADDED], 0, account);
      gtk_window_close (GTK_WINDOW (self));
      return;
    }
  if (g_error_matches (error, TERN_ACCOUNT_ERROR, TERN_ACCOUNT_ERROR_NO_KEYRING))
    {
      g_autofree char *text = g_strdup_printf (_("%s\n\nTern can keep the password in memory only, until it quits, "
                                                 "and ask for it each time it starts."), error->message);

      adw_status_page_set_description (self->keyring_page, text);
      show_page (self, "keyring");
      page_ready (self, "keyring");
    }
  else
    toast (self, error->message);
  update_buttons (self);
}

static void
save (TernUiAccountAssistant *self)
{
  g_autoptr(TernMailAccountBuilder) builder = NULL;
  g_autoptr(GError) error = NULL;

  builder = make_builder (self, &error);
  if (builder == NULL)
    {
      toast (self, error->message);
      return;
    }
  renew (&self->save_cancellable);
  self->saving = TRUE;
  update_buttons (self);
  tern_mail_add_account_async (self->mail, builder, self->save_cancellable, added_cb, g_object_ref (self));
}

static void
ask_password_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TernUiAccountAssistant *self = TERN_UI_ACCOUNT_ASSISTANT (widget);

  self->ask_password = TRUE;
  save (self);
}

/* ---- navigation --------------------------------------------------------------------------- */

static void
set_next (TernUiAccountAssistant *self, const char *label, gboolean enabled, gboolean busy)
{
  gtk_label_set_text_with_mnemonic (self->next_label, label);
  gtk_widget_set_visible (GTK_WIDGET (self->next_spinner), busy);
  gtk_spinner_set_spinning (self->next_spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.next", enabled && !busy);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->next_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  gtk_label_get_text (self->next_label), -1);
}

static void
update_buttons (TernUiAccountAssistant *self)
{
  const char *page = page_name (self);
  gboolean first = g_strcmp0 (page, "who") == 0;

  gtk_button_set_label (self->back_button, first ? _("_Cancel") : _("_Back"));
  gtk_widget_set_visible (GTK_WIDGET (self->next_button), g_strcmp0 (page, "keyring") != 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.back", !self->saving);
  if (first)
    {
      g_autofree char *address = dup_address (self);

      set_next (self, _("_Next"), address_is_valid (address) && *password (self) != '\0', FALSE);
    }
  else if (g_strcmp0 (page, "kind") == 0)
    set_next (self, _("_Next"), !self->detecting, self->detecting);
  else if (g_strcmp0 (page, "review") == 0)
    set_next (self, _("_Test"), tern_ui_server_form_is_complete (self->incoming_form), FALSE);
  else if (g_strcmp0 (page, "test") == 0)
    {
      if (self->checks_pending > 0)
        set_next (self, _("_Finish"), FALSE, TRUE);
      else if (self->incoming_ok && self->outgoing_ok)
        set_next (self, _("_Finish"), TRUE, self->saving);
      else
        set_next (self, _("_Try Again"), TRUE, FALSE);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.trust", self->untrusted != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.ask-password", !self->saving);
}

static void
page_changed_cb (TernUiAccountAssistant *self)
{
  const char *page = page_name (self);

  update_buttons (self);
  /* The first field of each page takes the keyboard. */
  if (g_strcmp0 (page, "who") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->email_row));
  else if (g_strcmp0 (page, "kind") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (gtk_check_button_get_active (self->pop3_check) ? self->pop3_check
                                                                                       : self->imap_check));
  else if (g_strcmp0 (page, "review") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->next_button));
  else if (g_strcmp0 (page, "keyring") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->ask_button));
}

static void
next_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TernUiAccountAssistant *self = TERN_UI_ACCOUNT_ASSISTANT (widget);

  if (on_page (self, "who"))
    {
      g_autofree char *address = dup_address (self);

      if (g_strcmp0 (address, self->detected_address) != 0)
        start_detection (self, address);
      show_page (self, "kind");
      if (!self->detecting)
        page_ready (self, "kind");
    }
  else if (on_page (self, "kind"))
    {
      fill_review (self);
      show_page (self, "review");
      page_ready (self, "review");
    }
  else if (on_page (self, "review"))
    start_test (self);
  else if (on_page (self, "test"))
    {
      if (self->incoming_ok && self->outgoing_ok)
        save (self);
      else
        run_checks (self);
    }
}

static void
back_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TernUiAccountAssistant *self = TERN_UI_ACCOUNT_ASSISTANT (widget);

  if (on_page (self, "who"))
    gtk_window_close (GTK_WINDOW (self));
  else if (on_page (self, "kind"))
    show_page (self, "who");
  else if (on_page (self, "review"))
    show_page (self, "kind");
  else if (on_page (self, "test"))
    {
      stop (&self->check_cancellable);
      self->checks_pending = 0;
      show_page (self, "review");
    }
  else if (on_page (self, "keyring"))
    show_page (self, "test");
}

/* ---- the object ------------------------------------------------------------------------- */

static void
cancel_all (TernUiAccountAssistant *self)
{
  stop (&self->detect_cancellable);
  stop (&self->check_cancellable);
  /* Saving is not cancelled once begun: the account is in the keyring and the file
   * together, or in neither (tern_mail_add_account_async() undoes a half). */
}

static gboolean
close_request_cb (GtkWindow *window)
{
  cancel_all (TERN_UI_ACCOUNT_ASSISTANT (window));
  /* libadwaita 1.2: an AdwEntryRow focused while its window is destroyed is notified
   * after it is gone. */
  gtk_window_set_focus (window, NULL);
  return FALSE;
}

static void
tern_ui_account_assistant_dispose (GObject *object)
{
  TernUiAccountAssistant *self = TERN_UI_ACCOUNT_ASSISTANT (object);

  cancel_all (self);
  g_clear_object (&self->save_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TERN_UI_TYPE_ACCOUNT_ASSISTANT);
  if (self->autoconfig != NULL)
    g_signal_handlers_disconnect_by_data (self->autoconfig, self);
  g_clear_object (&self->autoconfig);
  g_clear_object (&self->mail);
  g_clear_object (&self->detected);
  g_clear_object (&self->checked);
  g_clear_object (&self->untrusted);
  g_clear_pointer (&self->detected_address, g_free);
  g_clear_pointer (&self->pin, g_free);
  g_clear_pointer (&self->step_rows, g_ptr_array_unref);
  G_OBJECT_CLASS (tern_ui_account_assistant_parent_class)->dispose (object);
}

static void
tern_ui_account_assistant_class_init (TernUiAccountAssistantClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = tern_ui_account_assistant_dispose;
  window_class->close_request = close_request_cb;

  /**
   * TernUiAccountAssistant::account-added:
   * @account: the #TernMailAccount added (its first sync runs)
   */
  signals[SIGNAL_ACCOUNT_ADDED] = g_signal_new ("account-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                                NULL, NULL, NULL, G_TYPE_NONE, 1, TERN_TYPE_MAIL_ACCOUNT);
  /**
   * TernUiAccountAssistant::page-ready:
   * @page: "kind" (detection done), "review" (filled), "test" (both logins done),
   *   "keyring"
   *
   * A page has what it shows: for tests and the benchmark.
   */
  signals[SIGNAL_PAGE_READY] = g_signal_new ("page-ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                             NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (TERN_UI_TYPE_SERVER_FORM);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/accounts/tern-ui-account-assistant.ui");
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, window_title);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, back_button);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, next_button);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, next_spinner);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, next_label);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, toasts);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, pages);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, name_row);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, email_row);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, password_row);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, email_hint);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, imap_row);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, pop3_row);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, imap_check);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, pop3_check);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, detect_row);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, detect_status);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, detect_spinner);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, review_description);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, incoming_form);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, outgoing_form);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, imap_options);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, pop3_options);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, body_row);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, leave_switch);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, delete_after_spin);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, delete_when_switch);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, incoming_check_row);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, outgoing_check_row);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, incoming_check_status);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, outgoing_check_status);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, incoming_check_spinner);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, outgoing_check_spinner);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, retry_group);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, retry_password_row);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, certificate_group);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, certificate_list);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, trust_button);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, keyring_page);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountAssistant, ask_button);
  gtk_widget_class_bind_template_callback (widget_class, who_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, review_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, page_changed_cb);

  gtk_widget_class_install_action (widget_class, "assistant.next", NULL, next_action_cb);
  gtk_widget_class_install_action (widget_class, "assistant.back", NULL, back_action_cb);
  gtk_widget_class_install_action (widget_class, "assistant.trust", NULL, trust_action_cb);
  gtk_widget_class_install_action (widget_class, "assistant.ask-password", NULL, ask_password_action_cb);
}

static void
tern_ui_account_assistant_init (TernUiAccountAssistant *self)
{
  const char *real_name = g_get_real_name ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->step_rows = g_ptr_array_new ();
  tern_ui_account_assistant_set_autoconfig (self, NULL);
  if (real_name != NULL && g_strcmp0 (real_name, "Unknown") != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), real_name);
  tern_ui_server_form_set_kind (self->outgoing_form, TERN_UI_SERVER_SMTP);
  show_page (self, "who");
  update_buttons (self);
}

/**
 * tern_ui_account_assistant_new:
 * @parent: (nullable): the main window
 *
 * Returns: (transfer none): a new assistant, not shown yet
 */
TernUiAccountAssistant *
tern_ui_account_assistant_new (GtkWindow *parent, TernMail *mail)
{
  TernUiAccountAssistant *self;

  g_return_val_if_fail (TERN_IS_MAIL (mail), NULL);

  self = g_object_new (TERN_UI_TYPE_ACCOUNT_ASSISTANT, "transient-for", parent, NULL);
  self->mail = g_object_ref (mail);
  if (parent != NULL)
    gtk_window_set_application (GTK_WINDOW (self), gtk_window_get_application (parent));
  return self;
}

/**
 * tern_ui_account_assistant_get_page:
 *
 * Returns: the page shown: "who", "kind", "review", "test" or "keyring"
 */
const char *
tern_ui_account_assistant_get_page (TernUiAccountAssistant *self)
{
  g_return_val_if_fail (TERN_UI_IS_ACCOUNT_ASSISTANT (self), NULL);
  return page_name (self);
}

/**
 * tern_ui_account_assistant_set_autoconfig:
 * @autoconfig: (nullable): the detection to use; %NULL for a new default one
 *
 * For tests and the benchmark (a fixture resolver, a fixture provider database).
 */
void
tern_ui_account_assistant_set_autoconfig (TernUiAccountAssistant *self, TernAutoconfig *autoconfig)
{
  g_return_if_fail (TERN_UI_IS_ACCOUNT_ASSISTANT (self));

  if (self->autoconfig != NULL)
    g_signal_handlers_disconnect_by_data (self->autoconfig, self);
  g_clear_object (&self->autoconfig);
  self->autoconfig = autoconfig != NULL ? g_object_ref (autoconfig) : tern_autoconfig_new ();
  g_signal_connect (self->autoconfig, "progress", G_CALLBACK (detect_progress_cb), self);
}
