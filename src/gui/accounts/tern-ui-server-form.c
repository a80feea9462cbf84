/* tern-ui-server-form.c: one server's settings, as rows: host, port, security, login
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The account assistant's review page shows two (incoming and outgoing), and so do
 * the account settings. Choosing a security moves a port that was the old security's
 * default to the new one's. Choosing "None" asks first: the password would cross the
 * network readable by anyone on the way, so the user confirms it explicitly (a
 * setting detection proposed counts as chosen too: the caller asks then).
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "tern-ui-server-form.h"

struct _TernUiServerForm
{
  AdwPreferencesGroup  parent_instance;

  AdwEntryRow         *host_row;
  AdwActionRow        *port_row;
  GtkSpinButton       *port_spin;
  AdwComboRow         *security_row;
  AdwEntryRow         *user_row;

  TernUiServerKind     kind;
  TernNetSecurity      security;      /* the one shown, confirmed */
  gboolean             plaintext_confirmed;
  gboolean             updating;      /* set by code, not by the user */
};

G_DEFINE_FINAL_TYPE (TernUiServerForm, tern_ui_server_form, ADW_TYPE_PREFERENCES_GROUP)

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static guint16
default_port (TernUiServerKind kind, TernNetSecurity security)
{
  switch (kind)
    {
    case TERN_UI_SERVER_POP3:
      return tern_account_default_port (TERN_ACCOUNT_PROTOCOL_POP3, security);
    case TERN_UI_SERVER_SMTP:
      return tern_account_default_smtp_port (security);
    case TERN_UI_SERVER_IMAP:
    default:
      return tern_account_default_port (TERN_ACCOUNT_PROTOCOL_IMAP, security);
    }
}

static void
changed_cb (TernUiServerForm *self)
{
  if (!self->updating)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
show_security (TernUiServerForm *self, TernNetSecurity security)
{
  self->updating = TRUE;
  adw_combo_row_set_selected (self->security_row, security);
  self->updating = FALSE;
}

/* The security changes: a port that was the old default follows. */
static void
apply_security (TernUiServerForm *self, TernNetSecurity security)
{
  guint16 port = gtk_spin_button_get_value_as_int (self->port_spin);

  if (port == default_port (self->kind, self->security))
    {
      self->updating = TRUE;
      gtk_spin_button_set_value (self->port_spin, default_port (self->kind, security));
      self->updating = FALSE;
    }
  self->security = security;
  changed_cb (self);
}

static void
plaintext_response_cb (AdwMessageDialog *dialog, const char *response, TernUiServerForm *self)
{
  /* Once: closing the dialog after a response emits its close response too. */
  g_signal_handlers_disconnect_by_func (dialog, plaintext_response_cb, self);

  if (g_strcmp0 (response, "plain") == 0)
    {
      self->plaintext_confirmed = TRUE;
      apply_security (self, TERN_NET_SECURITY_NONE);
    }
  else
    show_security (self, self->security);
  g_object_unref (self);
}

static void
security_changed_cb (TernUiServerForm *self)
{
  TernNetSecurity security = adw_combo_row_get_selected (self->security_row);
  GtkWidget *dialog;
  GtkRoot *root;

  if (self->updating || security == self->security)
    return;
  if (security != TERN_NET_SECURITY_NONE || self->plaintext_confirmed)
    {
      apply_security (self, security);
      return;
    }
  /* No encryption: only with the user's explicit consent. */
  root = gtk_widget_get_root (GTK_WIDGET (self));
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Send Your Password Unencrypted?"),
                                   _("Without encryption, your password and your mail cross the network readable "
                                     "by anyone on the way. Use it only on a network you trust completely, with a "
                                     "server that offers nothing better."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Keep Encryption"), "plain",
                                    _("_Use No Encryption"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "plain", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (plaintext_response_cb), g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
tern_ui_server_form_class_init (TernUiServerFormClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  /**
   * TernUiServerForm::changed:
   * The user changed a setting.
   */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                          NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/accounts/tern-ui-server-form.ui");
  gtk_widget_class_bind_template_child (widget_class, TernUiServerForm, host_row);
  gtk_widget_class_bind_template_child (widget_class, TernUiServerForm, port_row);
  gtk_widget_class_bind_template_child (widget_class, TernUiServerForm, port_spin);
  gtk_widget_class_bind_template_child (widget_class, TernUiServerForm, security_row);
  gtk_widget_class_bind_template_child (widget_class, TernUiServerForm, user_row);
  gtk_widget_class_bind_template_callback (widget_class, changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, security_changed_cb);
}

static void
tern_ui_server_form_init (TernUiServerForm *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->security = TERN_NET_SECURITY_TLS;
  tern_ui_server_form_set_kind (self, TERN_UI_SERVER_IMAP);
}

TernUiServerForm *
tern_ui_server_form_new (void)
{
  return g_object_new (TERN_UI_TYPE_SERVER_FORM, NULL);
}

void
tern_ui_server_form_set_kind (TernUiServerForm *self, TernUiServerKind kind)
{
  g_return_if_fail (TERN_UI_IS_SERVER_FORM (self));

  self->kind = kind;
  switch (kind)
    {
    case TERN_UI_SERVER_POP3:
      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), _("Incoming Server (POP3)"));
      break;
    case TERN_UI_SERVER_SMTP:
      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), _("Outgoing Server (SMTP)"));
      break;
    case TERN_UI_SERVER_IMAP:
    default:
      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), _("Incoming Server (IMAP)"));
      break;
    }
  /* The rows' names say which server they belong to, for a screen reader. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (self)), -1);
}

TernUiServerKind
tern_ui_server_form_get_kind (TernUiServerForm *self)
{
  g_return_val_if_fail (TERN_UI_IS_SERVER_FORM (self), TERN_UI_SERVER_IMAP);
  return self->kind;
}

/**
 * tern_ui_server_form_set_server:
 * @port: 0 for the default of @security
 *
 * Shows settings (detected, or the account's); "None" shown so is not confirmed yet.
 */
void
tern_ui_server_form_set_server (TernUiServerForm *self, const char *host, guint16 port, TernNetSecurity security,
                                const char *user)
{
  g_return_if_fail (TERN_UI_IS_SERVER_FORM (self));

  self->updating = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->host_row), host != NULL ? host : "");
  gtk_editable_set_text (GTK_EDITABLE (self->user_row), user != NULL ? user : "");
  self->security = security;
  adw_combo_row_set_selected (self->security_row, security);
  gtk_spin_button_set_value (self->port_spin, port != 0 ? port : default_port (self->kind, security));
  self->updating = FALSE;
}

const char *
tern_ui_server_form_get_host (TernUiServerForm *self)
{
  g_return_val_if_fail (TERN_UI_IS_SERVER_FORM (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->host_row));
}

guint16
tern_ui_server_form_get_port (TernUiServerForm *self)
{
  g_return_val_if_fail (TERN_UI_IS_SERVER_FORM (self), 0);
  gtk_spin_button_update (self->port_spin);
  return gtk_spin_button_get_value_as_int (self->port_spin);
}

TernNetSecurity
tern_ui_server_form_get_security (TernUiServerForm *self)
{
  g_return_val_if_fail (TERN_UI_IS_SERVER_FORM (self), TERN_NET_SECURITY_TLS);
  return self->security;
}

const char *
tern_ui_server_form_get_user (TernUiServerForm *self)
{
  g_return_val_if_fail (TERN_UI_IS_SERVER_FORM (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->user_row));
}

gboolean
tern_ui_server_form_get_plaintext_confirmed (TernUiServerForm *self)
{
  g_return_val_if_fail (TERN_UI_IS_SERVER_FORM (self), FALSE);
  return self->plaintext_confirmed;
}

void
tern_ui_server_form_set_plaintext_confirmed (TernUiServerForm *self, gboolean confirmed)
{
  g_return_if_fail (TERN_UI_IS_SERVER_FORM (self));
  self->plaintext_confirmed = confirmed;
}

/**
 * tern_ui_server_form_is_complete:
 *
 * Returns: whether a host is given (the login defaults to the address)
 */
gboolean
tern_ui_server_form_is_complete (TernUiServerForm *self)
{
  g_autofree char *host = NULL;

  g_return_val_if_fail (TERN_UI_IS_SERVER_FORM (self), FALSE);
  host = g_strstrip (g_strdup (tern_ui_server_form_get_host (self)));
  return *host != '\0' && strpbrk (host, " /@") == NULL;
}
