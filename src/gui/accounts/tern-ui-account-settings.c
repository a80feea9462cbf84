/* tern-ui-account-settings.c: one account's settings
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An AdwPreferencesWindow per account, three pages:
 *   Account  the name others see, the signature, "Change Password…" (the remedy's
 *            prompt: keyring, or memory), the pinned certificate and "Forget…",
 *            "Remove Account…" (confirmed; settings, keyring entry and the mail kept
 *            here all go: tern_mail_remove_account_async())
 *   Servers  both servers' settings (TernUiServerForm); "Test and Save" logs in to
 *            both at once (TernMailCheck) and saves only what works
 *   Sync     IMAP: how much mail is kept offline; POP3: what stays on the server
 *
 * Name, signature and sync options are saved when the window closes, off the UI
 * thread (tern_mail_update_account_async()).
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tern-autoconfig.h"
#include "tern-ui-account-remedy.h"
#include "tern-ui-account-settings.h"
#include "tern-ui-server-form.h"

struct _TernUiAccountSettings
{
  AdwPreferencesWindow  parent_instance;

  AdwEntryRow          *name_row;
  GtkTextView          *signature_view;
  AdwActionRow         *certificate_row;
  GtkButton            *forget_button;
  GtkButton            *password_button;
  GtkButton            *remove_button;
  TernUiServerForm     *incoming_form;
  TernUiServerForm     *outgoing_form;
  AdwActionRow         *servers_status_row;
  GtkSpinner           *servers_spinner;
  AdwPreferencesGroup  *imap_group;
  AdwPreferencesGroup  *pop3_group;
  AdwComboRow          *body_row;
  GtkSwitch            *leave_switch;
  GtkSpinButton        *delete_after_spin;
  GtkSwitch            *delete_when_switch;

  AdwPreferencesGroup  *switch_group;
  AdwActionRow         *switch_row;
  GtkButton            *switch_button;
  AdwActionRow         *switch_progress_row;
  GtkProgressBar       *switch_progress;

  TernMail             *mail;
  TernMailAccount      *account;
  TernAutoconfig       *autoconfig;
  gboolean              switching;
  GCancellable         *cancellable;
  TernAccount          *tested;       /* the servers being tested */
  gboolean              servers_changed;
  gboolean              removing;
};

G_DEFINE_FINAL_TYPE (TernUiAccountSettings, tern_ui_account_settings, ADW_TYPE_PREFERENCES_WINDOW)

static const guint body_days[] = { 0, 30, 90, 365 };

static TernAccount *
account (TernUiAccountSettings *self)
{
  return tern_mail_account_get_account (self->account);
}

static char *
dup_signature (TernUiAccountSettings *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->signature_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
show_error (TernUiAccountSettings *self, const char *heading, const char *text)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, text);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_certificate (TernUiAccountSettings *self)
{
  const char *pin = tern_account_get_pinned_certificate (account (self));

  if (pin != NULL)
    {
      g_autofree char *label = g_strdup_printf (_("Trusted certificate: %s"), pin);

      adw_action_row_set_subtitle (self->certificate_row, pin);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->certificate_row), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
    }
  else
    adw_action_row_set_subtitle (self->certificate_row,
                                 _("None: the servers’ certificates must be signed by an authority this computer "
                                   "knows."));
  gtk_widget_set_visible (GTK_WIDGET (self->forget_button), pin != NULL);
}

static void
fill (TernUiAccountSettings *self)
{
  TernAccount *a = account (self);
  const TernServer *in = tern_account_get_incoming (a), *out = tern_account_get_outgoing (a);
  gboolean pop3 = tern_account_get_protocol (a) == TERN_ACCOUNT_PROTOCOL_POP3;

  gtk_window_set_title (GTK_WINDOW (self), tern_account_get_email (a));
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), tern_account_get_name (a));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->signature_view),
                            tern_account_get_signature (a) != NULL ? tern_account_get_signature (a) : "", -1);
  show_certificate (self);
  tern_ui_server_form_set_kind (self->incoming_form, pop3 ? TERN_UI_SERVER_POP3 : TERN_UI_SERVER_IMAP);
  tern_ui_server_form_set_kind (self->outgoing_form, TERN_UI_SERVER_SMTP);
  tern_ui_server_form_set_server (self->incoming_form, in->host, in->port, in->security, in->user);
  tern_ui_server_form_set_server (self->outgoing_form, out->host, out->port, out->security, out->user);
  /* None, saved so, was consented to already. */
  tern_ui_server_form_set_plaintext_confirmed (self->incoming_form, in->security == TERN_NET_SECURITY_NONE);
  tern_ui_server_form_set_plaintext_confirmed (self->outgoing_form, out->security == TERN_NET_SECURITY_NONE);
  gtk_widget_set_visible (GTK_WIDGET (self->imap_group), !pop3);
  gtk_widget_set_visible (GTK_WIDGET (self->pop3_group), pop3);
  gtk_widget_set_visible (GTK_WIDGET (self->switch_group), pop3);
  if (tern_account_get_imap_switch (a) != NULL)
    {
      /* A switch began and did not end (a crash, a failure): it resumes. */
      gtk_button_set_label (self->switch_button, _("_Finish Switching to IMAP…"));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->switch_row), _("The Switch to IMAP Is Not Finished"));
    }
  for (guint i = 0; i < G_N_ELEMENTS (body_days); i++)
    if (body_days[i] == tern_account_get_body_days (a))
      adw_combo_row_set_selected (self->body_row, i);
  gtk_switch_set_active (self->leave_switch, tern_account_get_leave_on_server (a));
  gtk_spin_button_set_value (self->delete_after_spin, tern_account_get_delete_after_days (a));
  gtk_switch_set_active (self->delete_when_switch, tern_account_get_delete_when_deleted (a));
  self->servers_changed = FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "settings.save-servers", FALSE);
}

/* ---- what closing saves --------------------------------------------------------------- */

static void
updated_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GtkWindow) parent = user_data;
  g_autoptr(GError) error = NULL;

  if (!tern_mail_update_account_finish (TERN_MAIL (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      GtkWidget *dialog = adw_message_dialog_new (parent, _("The Settings Were Not Saved"), error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
}

static gboolean
close_request_cb (GtkWindow *window)
{
  TernUiAccountSettings *self = TERN_UI_ACCOUNT_SETTINGS (window);
  TernAccount *a = account (self);
  g_autofree char *signature = dup_signature (self);
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  g_autoptr(TernMailAccountBuilder) builder = NULL;
  guint body = adw_combo_row_get_selected (self->body_row);
  gboolean pop3 = tern_account_get_protocol (a) == TERN_ACCOUNT_PROTOCOL_POP3;
  gboolean changed;

  g_cancellable_cancel (self->cancellable);
  gtk_window_set_focus (window, NULL);   /* libadwaita 1.2 and a focused entry row */
  if (self->removing || self->switching)
    return FALSE;   /* gone, or its settings being rewritten by the switch */
  changed = g_strcmp0 (*name != '\0' ? name : tern_account_get_email (a), tern_account_get_name (a)) != 0 ||
            g_strcmp0 (*signature != '\0' ? signature : NULL, tern_account_get_signature (a)) != 0;
  if (pop3)
    changed = changed || gtk_switch_get_active (self->leave_switch) != tern_account_get_leave_on_server (a) ||
              (guint) gtk_spin_button_get_value_as_int (self->delete_after_spin) != tern_account_get_delete_after_days (a) ||
              gtk_switch_get_active (self->delete_when_switch) != tern_account_get_delete_when_deleted (a);
  else
    changed = changed || (body < G_N_ELEMENTS (body_days) && body_days[body] != tern_account_get_body_days (a));
  if (!changed)
    return FALSE;

  builder = tern_mail_account_builder_new_for_account (a);
  tern_mail_account_builder_set_name (builder, *name != '\0' ? name : NULL);
  tern_mail_account_builder_set_signature (builder, signature);
  if (pop3)
    {
      tern_mail_account_builder_set_leave_on_server (builder, gtk_switch_get_active (self->leave_switch));
      tern_mail_account_builder_set_delete_after_days (builder, gtk_spin_button_get_value_as_int (self->delete_after_spin));
      tern_mail_account_builder_set_delete_when_deleted (builder, gtk_switch_get_active (self->delete_when_switch));
    }
  else if (body < G_N_ELEMENTS (body_days))
    tern_mail_account_builder_set_body_days (builder, body_days[body]);
  tern_mail_update_account_async (self->mail, builder, NULL, updated_cb,
                                  g_object_ref (gtk_window_get_transient_for (window) != NULL
                                                  ? gtk_window_get_transient_for (window) : window));
  return FALSE;
}

/* ---- password and certificate ------------------------------------------------------------- */

static void
change_password_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TernUiAccountSettings *self = TERN_UI_ACCOUNT_SETTINGS (widget);

  tern_ui_account_remedy_ask_password (GTK_WINDOW (self), self->mail, self->account);
}

static void
forgotten_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernUiAccountSettings) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tern_mail_update_account_finish (TERN_MAIL (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, _("The Certificate Was Not Forgotten"), error->message);
      return;
    }
  show_certificate (self);
  tern_mail_account_retry (self->account);
}

static void
forget_response_cb (AdwMessageDialog *dialog, const char *response, TernUiAccountSettings *self)
{
  g_autoptr(TernMailAccountBuilder) builder = NULL;

  /* Once: closing the dialog after a response emits its close response too. */
  g_signal_handlers_disconnect_by_func (dialog, forget_response_cb, self);
  if (g_strcmp0 (response, "forget") == 0)
    {
      builder = tern_mail_account_builder_new_for_account (account (self));
      tern_mail_account_builder_set_pinned_certificate (builder, NULL, NULL);
      tern_mail_update_account_async (self->mail, builder, self->cancellable, forgotten_cb, g_object_ref (self));
    }
  g_object_unref (self);
}

static void
forget_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TernUiAccountSettings *self = TERN_UI_ACCOUNT_SETTINGS (widget);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Forget the Trusted Certificate?"),
                                              _("Tern will again accept only certificates signed by an authority "
                                                "this computer knows. If the server’s certificate is self-signed, "
                                                "the account stops working until you trust it again."));

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "forget", _("_Forget"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "forget", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (forget_response_cb), g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- removing ------------------------------------------------------------------------------- */

static void
removed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernUiAccountSettings) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tern_mail_remove_account_finish (TERN_MAIL (source), result, &error))
    {
      self->removing = FALSE;
      show_error (self, _("The Account Was Not Removed"), error->message);
      return;
    }
  gtk_window_close (GTK_WINDOW (self));
}

static void
remove_response_cb (AdwMessageDialog *dialog, const char *response, TernUiAccountSettings *self)
{
  g_signal_handlers_disconnect_by_func (dialog, remove_response_cb, self);
  if (g_strcmp0 (response, "remove") == 0 && !self->removing)
    {
      self->removing = TRUE;
      tern_mail_remove_account_async (self->mail, self->account, NULL, removed_cb, g_object_ref (self));
    }
  g_object_unref (self);
}

static void
remove_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TernUiAccountSettings *self = TERN_UI_ACCOUNT_SETTINGS (widget);
  g_autofree char *heading = g_strdup_printf (_("Remove %s?"), tern_mail_account_get_email (self->account));
  const char *body = tern_account_get_protocol (account (self)) == TERN_ACCOUNT_PROTOCOL_POP3
                       ? _("Its settings, its password in the keyring and all its mail on this computer are "
                           "removed. Mail that was downloaded and not left on the server is lost.")
                       : _("Its settings, its password in the keyring and the copy of its mail on this computer "
                           "are removed. The mail on the server stays there.");
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "remove",
                                    _("_Remove Account"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (remove_response_cb), g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- servers ----------------------------------------------------------------------------------- */

static void
servers_changed_cb (TernUiAccountSettings *self)
{
  self->servers_changed = TRUE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "settings.save-servers",
                                 tern_ui_server_form_is_complete (self->incoming_form));
}

static void
servers_status (TernUiAccountSettings *self, const char *text, gboolean busy)
{
  adw_action_row_set_subtitle (self->servers_status_row, text);
  gtk_widget_set_visible (GTK_WIDGET (self->servers_spinner), busy);
  gtk_spinner_set_spinning (self->servers_spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "settings.save-servers", !busy && self->servers_changed);
}

static void
servers_saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernUiAccountSettings) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tern_mail_update_account_finish (TERN_MAIL (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        servers_status (self, error->message, FALSE);
      return;
    }
  self->servers_changed = FALSE;
  servers_status (self, _("Saved: both servers accept the account."), FALSE);
}

static TernMailAccountBuilder *
servers_builder (TernUiAccountSettings *self)
{
  TernMailAccountBuilder *builder = tern_mail_account_builder_new_for_account (account (self));
  TernUiServerForm *forms[] = { self->incoming_form, self->outgoing_form };

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *host = g_strstrip (g_strdup (tern_ui_server_form_get_host (forms[i])));
      const char *user = tern_ui_server_form_get_user (forms[i]);

      (i == 0 ? tern_mail_account_builder_set_incoming : tern_mail_account_builder_set_outgoing)
        (builder, *host != '\0' ? host : NULL, tern_ui_server_form_get_port (forms[i]),
         tern_ui_server_form_get_security (forms[i]), *user != '\0' ? user : NULL);
    }
  tern_mail_account_builder_set_allow_plaintext (builder,
                                                 tern_ui_server_form_get_plaintext_confirmed (forms[0]) ||
                                                 tern_ui_server_form_get_plaintext_confirmed (forms[1]));
  return builder;
}

static void
servers_checked_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernUiAccountSettings) self = user_data;
  g_autoptr(TernDiagnosis) incoming = NULL, outgoing = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernMailAccountBuilder) builder = NULL;

  if (!tern_mail_check_account_finish (result, &incoming, &outgoing, &error))
    {
      g_autofree char *text = NULL;
      TernDiagnosis *failed = incoming != NULL ? incoming : outgoing;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (failed != NULL)
        text = g_strdup_printf (_("Not saved. %s: %s. %s"),
                                incoming != NULL ? _("Incoming server") : _("Outgoing server"),
                                tern_diagnosis_get_title (failed), tern_diagnosis_get_explanation (failed));
      else
        text = g_strdup_printf (_("Not saved: %s"), error != NULL ? error->message : "?");
      servers_status (self, text, FALSE);
      return;
    }
  builder = servers_builder (self);
  tern_mail_update_account_async (self->mail, builder, self->cancellable, servers_saved_cb, g_object_ref (self));
}

static void
save_servers_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TernUiAccountSettings *self = TERN_UI_ACCOUNT_SETTINGS (widget);
  g_autoptr(TernMailAccountBuilder) builder = servers_builder (self);
  g_autoptr(GError) error = NULL;

  g_clear_object (&self->tested);
  self->tested = tern_mail_account_builder_build (builder, &error);
  if (self->tested == NULL)
    {
      servers_status (self, error->message, FALSE);
      return;
    }
  servers_status (self, _("Logging in to both servers…"), TRUE);
  tern_mail_check_account_async (self->tested, NULL, self->cancellable, servers_checked_cb, g_object_ref (self));
}

/* ---- switching to IMAP ---------------------------------------------------------------------- */

/* While the mail is uploaded nothing else of the account changes (its settings are
 * being rewritten on a worker); the window may close, the switch goes on. */
static void
set_switching (TernUiAccountSettings *self, gboolean switching)
{
  GtkWidget *editable[] = {
    GTK_WIDGET (self->name_row), GTK_WIDGET (self->signature_view), GTK_WIDGET (self->incoming_form),
    GTK_WIDGET (self->outgoing_form), GTK_WIDGET (self->pop3_group),
  };
  const char *actions[] = {
    "settings.change-password", "settings.forget-certificate", "settings.remove", "settings.save-servers",
    "settings.switch-to-imap",
  };

  self->switching = switching;
  for (guint i = 0; i < G_N_ELEMENTS (editable); i++)
    gtk_widget_set_sensitive (editable[i], !switching);
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), actions[i], !switching);
}

static void
switch_progress_cb (guint done, guint total, gpointer user_data)
{
  TernUiAccountSettings *self = user_data;
  g_autofree char *text = NULL;

  if (self->switch_progress == NULL)
    return;   /* the window was closed meanwhile */
  if (total == 0)
    text = g_strdup (_("Logging in to the IMAP server…"));   /* the number is not known yet */
  else
    text = g_strdup_printf (ngettext ("%u of %u message checked or uploaded",
                                      "%u of %u messages checked or uploaded", total), done, total);

  gtk_progress_bar_set_fraction (self->switch_progress, total > 0 ? (double) done / total : 0.0);
  adw_action_row_set_subtitle (self->switch_progress_row, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->switch_progress_row), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

static void
switched_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernUiAccountSettings) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernMailAccount) now = tern_mail_switch_to_imap_finish (TERN_MAIL (source), result, &error);

  if (self->switch_progress == NULL)
    {
      /* Closed meanwhile: a failure is the sidebar's to show (still POP3, paused). */
      if (now == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("The switch of %s to IMAP stopped: %s", tern_mail_account_get_email (self->account),
                   error->message);
      return;
    }
  set_switching (self, FALSE);
  if (now == NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->switch_progress_row), _("The Switch Stopped"));
      adw_action_row_set_subtitle (self->switch_progress_row, error->message);
      gtk_button_set_label (self->switch_button, _("_Finish Switching to IMAP…"));
      return;
    }
  /* An IMAP account now: its settings are another window's. */
  self->removing = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static void
start_switch (TernUiAccountSettings *self, const TernServer *to)
{
  set_switching (self, TRUE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->switch_progress_row), _("Uploading"));
  gtk_widget_set_visible (GTK_WIDGET (self->switch_progress_row), TRUE);
  switch_progress_cb (0, 0, self);
  tern_mail_switch_to_imap_async (self->mail, self->account, to->host, to->port, to->security, to->user,
                                  switch_progress_cb, self, NULL, switched_cb, g_object_ref (self));
}

typedef struct
{
  TernUiAccountSettings *self;
  TernServer             to;
} SwitchAsk;

static void
switch_response_cb (AdwMessageDialog *dialog, const char *response, SwitchAsk *ask)
{
  g_signal_handlers_disconnect_by_func (dialog, switch_response_cb, ask);
  if (g_strcmp0 (response, "switch") == 0)
    start_switch (ask->self, &ask->to);
  g_object_unref (ask->self);
  g_free (ask->to.host);
  g_free (ask->to.user);
  g_free (ask);
}

static void
ask_switch (TernUiAccountSettings *self, const char *host, guint16 port, TernNetSecurity security, const char *user)
{
  TernAccount *a = account (self);
  SwitchAsk *ask = g_new0 (SwitchAsk, 1);
  g_autofree char *heading = g_strdup_printf (_("Switch %s to IMAP?"), tern_account_get_email (a));
  g_autofree char *body = g_strdup_printf (_("Tern uploads the mail kept on this computer to %s, port %u, with its "
                                             "folders, flags and dates. Only once the server holds every message are the "
                                             "copies here replaced by the server’s, in step with your other devices. "
                                             "Meanwhile no new mail is downloaded. This can take a while; if it stops, "
                                             "it goes on where it was next time, without uploading anything twice."),
                                           host, port);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  ask->self = g_object_ref (self);
  ask->to.host = g_strdup (host);
  ask->to.port = port;
  ask->to.security = security;
  ask->to.user = g_strdup (user);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "switch",
                                    _("_Switch to IMAP"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "switch", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (switch_response_cb), ask);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
imap_detected_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernUiAccountSettings) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAutoconfigResult) found = tern_autoconfig_detect_finish (TERN_AUTOCONFIG (source), result, &error);
  const TernAutoconfigServer *imap = found != NULL ? tern_autoconfig_result_get_server (found,
                                                                                        TERN_AUTOCONFIG_PROTOCOL_IMAP)
                                                   : NULL;
  const TernServer *in = tern_account_get_incoming (account (self));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "settings.switch-to-imap", TRUE);
  if (imap == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Your provider offers no IMAP server that Tern could find for %s."),
                                               tern_account_get_email (account (self)));

      show_error (self, _("No IMAP Server"), text);
      return;
    }
  /* The POP3 login is the IMAP one. */
  ask_switch (self, imap->host, imap->port, imap->security, in->user);
}

static void
switch_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TernUiAccountSettings *self = TERN_UI_ACCOUNT_SETTINGS (widget);
  const TernServer *to = tern_account_get_imap_switch (account (self));

  if (self->switching)
    return;
  if (to != NULL)
    {
      ask_switch (self, to->host, to->port, to->security, to->user);
      return;
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "settings.switch-to-imap", FALSE);
  if (self->autoconfig == NULL)
    self->autoconfig = tern_autoconfig_new ();
  tern_autoconfig_detect_async (self->autoconfig, tern_account_get_email (account (self)), TERN_AUTOCONFIG_FLAGS_NONE,
                                self->cancellable, imap_detected_cb, g_object_ref (self));
}

/* ---- the object ----------------------------------------------------------------------------------- */

static void
tern_ui_account_settings_dispose (GObject *object)
{
  TernUiAccountSettings *self = TERN_UI_ACCOUNT_SETTINGS (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TERN_UI_TYPE_ACCOUNT_SETTINGS);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->tested);
  g_clear_object (&self->autoconfig);
  g_clear_object (&self->account);
  g_clear_object (&self->mail);
  G_OBJECT_CLASS (tern_ui_account_settings_parent_class)->dispose (object);
}

static void
tern_ui_account_settings_class_init (TernUiAccountSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tern_ui_account_settings_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = close_request_cb;

  g_type_ensure (TERN_UI_TYPE_SERVER_FORM);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/accounts/tern-ui-account-settings.ui");
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountSettings, name_row);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountSettings, signature_view);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountSettings, certificate_row);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountSettings, forget_button);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountSettings, password_button);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountSettings, remove_button);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountSettings, incoming_form);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountSettings, outgoing_form);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountSettings, servers_status_row);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountSettings, servers_spinner);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountSettings, imap_group);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountSettings, pop3_group);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountSettings, body_row);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountSettings, leave_switch);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountSettings, delete_after_spin);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountSettings, delete_when_switch);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountSettings, switch_group);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountSettings, switch_row);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountSettings, switch_button);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountSettings, switch_progress_row);
  gtk_widget_class_bind_template_child (widget_class, TernUiAccountSettings, switch_progress);
  gtk_widget_class_bind_template_callback (widget_class, servers_changed_cb);

  gtk_widget_class_install_action (widget_class, "settings.change-password", NULL, change_password_action_cb);
  gtk_widget_class_install_action (widget_class, "settings.forget-certificate", NULL, forget_action_cb);
  gtk_widget_class_install_action (widget_class, "settings.remove", NULL, remove_action_cb);
  gtk_widget_class_install_action (widget_class, "settings.save-servers", NULL, save_servers_action_cb);
  gtk_widget_class_install_action (widget_class, "settings.switch-to-imap", NULL, switch_action_cb);
}

static void
tern_ui_account_settings_init (TernUiAccountSettings *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

/**
 * tern_ui_account_settings_new:
 * @parent: (nullable): the main window
 *
 * Returns: (transfer none): the settings window of @account, not shown yet
 */
TernUiAccountSettings *
tern_ui_account_settings_new (GtkWindow *parent, TernMail *mail, TernMailAccount *account)
{
  TernUiAccountSettings *self;

  g_return_val_if_fail (TERN_IS_MAIL (mail), NULL);
  g_return_val_if_fail (TERN_IS_MAIL_ACCOUNT (account), NULL);

  self = g_object_new (TERN_UI_TYPE_ACCOUNT_SETTINGS, "transient-for", parent, NULL);
  self->mail = g_object_ref (mail);
  self->account = g_object_ref (account);
  fill (self);
  return self;
}
