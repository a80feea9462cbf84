/* tern-ui-composer-send.c: sending from the composer
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Send checks the addresses (an inline error on the field and in a bar), asks before
 * sending without a subject, without the attachment the text mentions (in English or
 * in any shipped translation's words) or above the outgoing server's SIZE; then the
 * window goes at once and the engine queues the message on a worker
 * (tern_mail_send_async()), with the `undo-send-delay` before it may leave, removes
 * the draft and marks the original of a reply or forward. The main window shows a
 * toast with Undo for that delay: Undo takes the message back out of the outbox and
 * opens it again in a composer.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tern-ui-composer-private.h"
#include "tern-ui-window.h"

/* What the message adds to its parts: the header, the MIME boundaries. */
#define OVERHEAD_BYTES 4096

/* ---- the server's size limit ------------------------------------------------------------------ */

static void
size_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernUiComposer) self = user_data;
  g_autoptr(GError) error = NULL;
  guint64 limit = tern_mail_get_smtp_size_limit_finish (TERN_MAIL (source), result, &error);

  /* Offline, the limit stays unknown: the outbox checks it before sending anyway. */
  if (error == NULL)
    self->size_limit = limit;
}

/**
 * _tern_ui_composer_probe_size:
 *
 * Asks for the SIZE of the identity's outgoing server (once per account and run).
 */
void
_tern_ui_composer_probe_size (TernUiComposer *self)
{
  TernUiIdentity *identity = _tern_ui_composer_get_identity (self);
  TernMailAccount *account = identity != NULL ? tern_ui_identity_get_account (identity) : NULL;

  if (account == NULL || self->mail == NULL || account == self->size_account)
    return;
  g_set_object (&self->size_account, account);
  self->size_limit = 0;
  tern_mail_get_smtp_size_limit_async (self->mail, account, self->cancellable, size_cb, g_object_ref (self));
}

/* ---- the toast and its Undo ----------------------------------------------------------------------- */

typedef struct
{
  TernUiApplication     *application;
  TernMail              *mail;
  TernMailUndo          *undo;
  TernOutboxComposition *composition;
} UndoSend;

static void
undo_send_free (UndoSend *undo)
{
  g_object_unref (undo->application);
  g_object_unref (undo->mail);
  g_clear_pointer (&undo->undo, tern_mail_undo_unref);
  tern_outbox_composition_free (undo->composition);
  g_free (undo);
}

static TernUiWindow *
main_window (TernUiApplication *application)
{
  for (int attempt = 0; attempt < 2; attempt++)
    {
      for (GList *l = gtk_application_get_windows (GTK_APPLICATION (application)); l != NULL; l = l->next)
        if (TERN_UI_IS_WINDOW (l->data))
          return l->data;
      /* A composer opened alone (a mailto: link): the main window shows the toast. */
      g_application_activate (G_APPLICATION (application));
    }
  return NULL;
}

static void
undone_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  UndoSend *undo = user_data;
  g_autoptr(GError) error = NULL;

  if (!tern_mail_operation_finish (TERN_MAIL (source), result, NULL, NULL, &error))
    {
      TernUiWindow *window = main_window (undo->application);
      g_autofree char *message = g_strdup_printf (_("The message cannot be taken back: %s"), error->message);

      if (window != NULL)
        tern_ui_window_add_toast (window, adw_toast_new (message));
    }
  else
    {
      /* Back in a composer, as it was; it is a draft again from its first change. */
      TernUiComposer *composer = tern_ui_composer_open_composition (undo->application, undo->composition, FALSE);

      composer->dirty = TRUE;
      _tern_ui_composer_save (composer);
    }
  undo_send_free (undo);
}

static void
undo_clicked_cb (AdwToast *toast, gpointer user_data)
{
  UndoSend *undo = g_object_steal_data (G_OBJECT (toast), "tern-undo-send");

  if (undo != NULL)
    tern_mail_undo_async (undo->mail, undo->undo, NULL, undone_cb, undo);
}

static void
show_toast (TernUiComposer *self, TernMailUndo *undo, TernOutboxComposition *composition, guint delay)
{
  TernUiWindow *window = main_window (self->application);
  const char *subject = composition->subject != NULL && *composition->subject != '\0' ? composition->subject : NULL;
  AdwToast *toast;

  if (window == NULL)
    return;
  if (subject != NULL)
    toast = adw_toast_new_format (_("Sending “%s”"), subject);
  else
    toast = adw_toast_new (_("Sending the message"));
  if (delay > 0 && undo != NULL)
    {
      UndoSend *data = g_new0 (UndoSend, 1);

      data->application = g_object_ref (self->application);
      data->mail = g_object_ref (self->mail);
      data->undo = tern_mail_undo_ref (undo);
      data->composition = tern_outbox_composition_copy (composition);
      g_object_set_data_full (G_OBJECT (toast), "tern-undo-send", data, (GDestroyNotify) undo_send_free);
      adw_toast_set_button_label (toast, _("_Undo"));
      g_signal_connect (toast, "button-clicked", G_CALLBACK (undo_clicked_cb), NULL);
      /* Gone when the message may leave: it cannot be taken back after. */
      adw_toast_set_timeout (toast, delay);
    }
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  tern_ui_window_add_toast (window, toast);
}

/* ---- sending -------------------------------------------------------------------------------------- */

typedef struct
{
  TernUiComposer        *self;
  TernOutboxComposition *composition;
  guint                  delay;
} Send;

static void
sent_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Send *send = user_data;
  TernUiComposer *self = send->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernMailUndo) undo = NULL;

  self->sending = FALSE;
  g_object_notify (G_OBJECT (self), "busy");
  if (!tern_mail_operation_finish (TERN_MAIL (source), result, &undo, NULL, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The message cannot be sent: %s"), error->message);

      self->closing = FALSE;
      gtk_window_present (GTK_WINDOW (self));
      _tern_ui_composer_show_error (self, message);
    }
  else
    {
      /* Its recipients rank higher in the next completions. */
      tern_mail_forget_correspondents (self->mail);
      self->draft_id = 0;
      show_toast (self, undo, send->composition, send->delay);
      gtk_window_destroy (GTK_WINDOW (self));
    }
  tern_outbox_composition_free (send->composition);
  g_object_unref (send->self);
  g_free (send);
}

static void
really_send (TernUiComposer *self)
{
  TernUiIdentity *identity = _tern_ui_composer_get_identity (self);
  Send *send;

  if (self->saving)
    {
      /* The draft being saved is the one the send removes. */
      self->send_after_save = TRUE;
      return;
    }
  g_clear_handle_id (&self->autosave_timeout, g_source_remove);
  send = g_new0 (Send, 1);
  send->self = g_object_ref (self);
  send->composition = tern_ui_composer_dup_composition (self);
  send->delay = (guint) MAX (g_settings_get_int (self->settings, "undo-send-delay"), 0);
  self->sending = TRUE;
  self->closing = TRUE;
  g_object_notify (G_OBJECT (self), "busy");
  _tern_ui_composer_show_error (self, NULL);
  /* The window goes now; it comes back only if the engine refuses the message. */
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  tern_mail_send_async (self->mail, tern_ui_identity_get_account (identity), send->composition, send->delay,
                        self->draft_id, NULL, sent_cb, send);
}

/* ---- the questions before sending -------------------------------------------------------------------- */

typedef enum
{
  ASK_SUBJECT,
  ASK_ATTACHMENT,
  ASK_SIZE,
} Ask;

static void
ask_response_cb (AdwMessageDialog *dialog, const char *response, TernUiComposer *self)
{
  Ask ask = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "tern-ask"));

  if (g_str_equal (response, "attach"))
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "composer.attach", NULL);
      return;
    }
  if (!g_str_equal (response, "send"))
    {
      if (ask == ASK_SUBJECT)
        gtk_widget_grab_focus (GTK_WIDGET (self->subject_entry));
      return;
    }
  if (ask == ASK_SUBJECT)
    self->confirmed_subject = TRUE;
  else if (ask == ASK_ATTACHMENT)
    self->confirmed_attachment = TRUE;
  else
    self->confirmed_size = TRUE;
  _tern_ui_composer_send (self);
}

static void
ask (TernUiComposer *self, Ask what, const char *heading, const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"));
  if (what == ASK_ATTACHMENT)
    adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "attach", _("_Attach Files…"));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "send",
                                   what == ASK_SUBJECT ? _("_Send Without Subject") : _("_Send Anyway"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "send",
                                              what == ASK_SIZE ? ADW_RESPONSE_DESTRUCTIVE : ADW_RESPONSE_SUGGESTED);
  g_object_set_data (G_OBJECT (dialog), "tern-ask", GINT_TO_POINTER (what));
  g_signal_connect (dialog, "response", G_CALLBACK (ask_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Checks one address field; an inline error names what is not an address. */
static gboolean
check_field (TernUiComposer *self, TernUiAddressEntry *entry, guint *n)
{
  g_autofree char *bad = NULL;
  g_autofree char *message = NULL;
  guint count = 0;

  if (tern_outbox_check_addresses (gtk_editable_get_text (GTK_EDITABLE (entry)), &bad, &count))
    {
      tern_ui_address_entry_set_error (entry, NULL);
      *n += count;
      return TRUE;
    }
  message = g_strdup_printf (_("“%s” is not an email address"), bad);
  tern_ui_address_entry_set_error (entry, message);
  _tern_ui_composer_show_error (self, message);
  if (entry == self->cc_entry)
    gtk_toggle_button_set_active (self->cc_toggle, TRUE);
  else if (entry == self->bcc_entry)
    gtk_toggle_button_set_active (self->bcc_toggle, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (entry));
  return FALSE;
}

static guint64
estimated_size (TernUiComposer *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->body_view);

  /* Base64 makes four bytes of three. */
  return OVERHEAD_BYTES + (guint64) gtk_text_buffer_get_char_count (buffer) * 2 +
         tern_ui_attachment_list_get_total_size (self->attachments) / 3 * 4;
}

/**
 * _tern_ui_composer_send:
 *
 * The Send action: the checks and questions, then the message goes.
 */
void
_tern_ui_composer_send (TernUiComposer *self)
{
  TernUiIdentity *identity = _tern_ui_composer_get_identity (self);
  g_autofree char *subject = NULL;
  g_autoptr(TernOutboxComposition) composition = NULL;
  guint n = 0;

  if (!self->ready || self->sending || self->mail == NULL)
    return;
  if (identity == NULL)
    {
      _tern_ui_composer_show_error (self, _("There is no account to send from: add one first"));
      return;
    }
  if (tern_ui_attachment_list_get_loading (self->attachments))
    {
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("The files are still being attached")));
      return;
    }
  if (!check_field (self, self->to_entry, &n) || !check_field (self, self->cc_entry, &n) ||
      !check_field (self, self->bcc_entry, &n))
    return;
  if (n == 0)
    {
      const char *message = _("Add a recipient in To, Cc or Bcc");

      tern_ui_address_entry_set_error (self->to_entry, message);
      _tern_ui_composer_show_error (self, message);
      gtk_widget_grab_focus (GTK_WIDGET (self->to_entry));
      return;
    }
  _tern_ui_composer_show_error (self, NULL);

  subject = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->subject_entry))));
  if (!self->confirmed_subject && *subject == '\0')
    {
      ask (self, ASK_SUBJECT, _("Send Without a Subject?"),
           _("A subject tells the recipients what the message is about at a glance."));
      return;
    }
  composition = tern_ui_composer_dup_composition (self);
  if (!self->confirmed_attachment && tern_ui_attachment_list_get_n_attachments (self->attachments) == 0 &&
      tern_outbox_text_mentions_attachment (composition->body, NULL))
    {
      ask (self, ASK_ATTACHMENT, _("Forgot the Attachment?"),
           _("The message mentions an attachment, but no file is attached."));
      return;
    }
  if (!self->confirmed_size && self->size_limit > 0 && estimated_size (self) > self->size_limit)
    {
      g_autofree char *limit = g_format_size (self->size_limit);
      g_autofree char *size = g_format_size (estimated_size (self));
      g_autofree char *text = g_strdup_printf (_("The message is about %s, and the outgoing server takes at most %s: "
                                                 "it will probably refuse it. Share large files by a link instead."),
                                               size, limit);

      ask (self, ASK_SIZE, _("Message Too Large for the Server"), text);
      return;
    }
  really_send (self);
}
