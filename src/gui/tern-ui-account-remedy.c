/* tern-ui-account-remedy.c: what the user does about an account that cannot sync
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The remedies of a failed account are small dialogs:
 *  - a refused or missing password: an AdwPasswordEntryRow; the password is stored
 *    in the keyring (tern_credentials_store_password() on a worker, cancelled after
 *    a timeout: a locked keyring can prompt forever) and the account retried; without
 *    a keyring it can be kept in memory until Tern quits; an account that keeps its
 *    password nowhere (asked at each start) keeps it in memory at once;
 *  - an untrusted or changed certificate: what it is and why it does not validate;
 *    "Trust This Certificate" pins exactly that certificate.
 * Anything else retries the account.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "tern-credentials.h"
#include "tern-ui-account-remedy.h"
#include "tern-ui-account-settings.h"
#include "tern-ui-certificate.h"

/* How long storing a password may take before it is given up. */
#define KEYRING_TIMEOUT_S 15

typedef struct
{
  TernMail         *mail;
  TernMailAccount  *account;
  GtkWidget        *entry;
  GtkWindow        *parent;
  char             *password;   /* typed, until stored */
} Remedy;

static void
remedy_free (Remedy *remedy)
{
  tern_credentials_free_password (remedy->password);
  g_clear_object (&remedy->mail);
  g_clear_object (&remedy->account);
  g_clear_object (&remedy->parent);
  g_free (remedy);
}

static void
show_error (GtkWindow *parent, const char *heading, const char *message)
{
  GtkWidget *dialog = adw_message_dialog_new (parent, heading, message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- the password --------------------------------------------------------------------- */

typedef struct
{
  TernAccount *account;
  char        *password;
} StoreWork;

static void
store_work_free (StoreWork *work)
{
  g_object_unref (work->account);
  tern_credentials_free_password (work->password);
  g_free (work);
}

static void
store_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  StoreWork *work = task_data;
  GError *error = NULL;

  if (tern_credentials_store_password (work->account, work->password, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static gboolean
keyring_timeout_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
keep_in_memory_cb (AdwMessageDialog *dialog, const char *response, Remedy *remedy)
{
  /* Once: closing the dialog after a response emits its close response too. */
  g_signal_handlers_disconnect_by_func (dialog, keep_in_memory_cb, remedy);

  if (g_strcmp0 (response, "memory") == 0 && remedy->password != NULL)
    {
      tern_credentials_set_session_password (tern_mail_account_get_account (remedy->account), remedy->password);
      tern_mail_account_retry (remedy->account);
    }
  remedy_free (remedy);
}

static void
stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Remedy *remedy = user_data;
  g_autoptr(GError) error = NULL;
  GtkWidget *dialog;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      tern_mail_account_retry (remedy->account);
      remedy_free (remedy);
      return;
    }
  /* No keyring, or it did not answer: the password can still serve until Tern quits. */
  dialog = adw_message_dialog_new (remedy->parent, _("The Password Was Not Saved"),
                                   g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                                     ? _("The keyring did not answer. Unlock it and try again, or keep the "
                                         "password in memory until Tern quits.")
                                     : error->message);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "memory",
                                    _("_Keep It Until Tern Quits"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "memory", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "memory");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (keep_in_memory_cb), remedy);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
password_response_cb (AdwMessageDialog *dialog, const char *response, Remedy *remedy)
{
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GTask) task = NULL;
  StoreWork *work;
  const char *password;

  /* Once: closing the dialog after a response emits its close response too. */
  g_signal_handlers_disconnect_by_func (dialog, password_response_cb, remedy);
  /* libadwaita 1.2: an AdwEntryRow still focused when its window is destroyed is
   * notified after it is gone (the dialog crashed on close). */
  gtk_window_set_focus (GTK_WINDOW (dialog), NULL);

  if (g_strcmp0 (response, "save") != 0)
    {
      remedy_free (remedy);
      return;
    }
  password = gtk_editable_get_text (GTK_EDITABLE (remedy->entry));
  if (tern_account_get_ask_password (tern_mail_account_get_account (remedy->account)))
    {
      /* Kept nowhere on purpose: in memory until Tern quits. */
      tern_credentials_set_session_password (tern_mail_account_get_account (remedy->account), password);
      gtk_editable_set_text (GTK_EDITABLE (remedy->entry), "");
      tern_mail_account_retry (remedy->account);
      remedy_free (remedy);
      return;
    }
  remedy->password = g_strdup (password);
  work = g_new0 (StoreWork, 1);
  work->account = g_object_ref (tern_mail_account_get_account (remedy->account));
  work->password = g_strdup (password);
  gtk_editable_set_text (GTK_EDITABLE (remedy->entry), "");

  cancellable = g_cancellable_new ();
  g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, KEYRING_TIMEOUT_S, keyring_timeout_cb, g_object_ref (cancellable),
                              g_object_unref);
  task = g_task_new (NULL, cancellable, stored_cb, remedy);
  g_task_set_source_tag (task, password_response_cb);
  g_task_set_task_data (task, work, (GDestroyNotify) store_work_free);
  g_task_run_in_thread (task, store_thread);
}

static void
password_changed_cb (GtkEditable *entry, AdwMessageDialog *dialog)
{
  adw_message_dialog_set_response_enabled (dialog, "save", gtk_editable_get_text (entry)[0] != '\0');
}

static void
password_activate_cb (AdwEntryRow *entry, AdwMessageDialog *dialog)
{
  if (adw_message_dialog_get_response_enabled (dialog, "save"))
    {
      adw_message_dialog_response (dialog, "save");
      gtk_window_close (GTK_WINDOW (dialog));
    }
}

static void
ask_password (Remedy *remedy)
{
  TernAccount *account = tern_mail_account_get_account (remedy->account);
  TernDiagnosis *diagnosis = tern_mail_account_get_diagnosis (remedy->account);
  g_autofree char *heading = g_strdup_printf (_("Password for %s"), tern_mail_account_get_email (remedy->account));
  const char *body = diagnosis != NULL ? tern_diagnosis_get_explanation (diagnosis)
                                       : _("The server needs the password of this account.");
  GtkWidget *dialog, *list;

  if (tern_account_get_password_command (account) != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("This account gets its password from the command “%s”, which the "
                                                 "server refused. Change the command with “tern-cli account set”."),
                                               tern_account_get_password_command (account));

      show_error (remedy->parent, heading, text);
      remedy_free (remedy);
      return;
    }
  dialog = adw_message_dialog_new (remedy->parent, heading, body);
  list = gtk_list_box_new ();
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  remedy->entry = adw_password_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (remedy->entry), _("Password"));
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (remedy->entry), FALSE);
  gtk_list_box_append (GTK_LIST_BOX (list), remedy->entry);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), list);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "save", _("_Save and Retry"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "save", FALSE);
  g_signal_connect (remedy->entry, "changed", G_CALLBACK (password_changed_cb), dialog);
  g_signal_connect (remedy->entry, "entry-activated", G_CALLBACK (password_activate_cb), dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (password_response_cb), remedy);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (remedy->entry);
}

/* ---- the certificate -------------------------------------------------------------------- */

static void
pinned_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Remedy *remedy = user_data;
  g_autoptr(GError) error = NULL;

  if (!tern_mail_update_account_finish (TERN_MAIL (source), result, &error))
    show_error (remedy->parent, _("The Certificate Was Not Trusted"), error->message);
  else
    tern_mail_account_retry (remedy->account);
  remedy_free (remedy);
}

static void
certificate_response_cb (AdwMessageDialog *dialog, const char *response, Remedy *remedy)
{
  TernDiagnosis *diagnosis = tern_mail_account_get_diagnosis (remedy->account);
  GTlsCertificate *certificate = diagnosis != NULL ? tern_diagnosis_get_certificate (diagnosis) : NULL;
  g_autoptr(TernMailAccountBuilder) builder = NULL;

  /* Once: closing the dialog after a response emits its close response too. */
  g_signal_handlers_disconnect_by_func (dialog, certificate_response_cb, remedy);

  if (g_strcmp0 (response, "trust") != 0 || certificate == NULL)
    {
      remedy_free (remedy);
      return;
    }
  builder = tern_mail_account_builder_new_for_account (tern_mail_account_get_account (remedy->account));
  tern_mail_account_builder_pin_certificate (builder, certificate);
  tern_mail_update_account_async (remedy->mail, builder, NULL, pinned_cb, remedy);
}

static void
review_certificate (Remedy *remedy)
{
  TernDiagnosis *diagnosis = tern_mail_account_get_diagnosis (remedy->account);
  g_autofree char *heading = g_strdup_printf (_("Certificate of %s"), tern_mail_account_get_email (remedy->account));
  g_autofree char *errors = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog, *list;

  if (diagnosis == NULL || tern_diagnosis_get_certificate (diagnosis) == NULL)
    {
      tern_mail_account_retry (remedy->account);
      remedy_free (remedy);
      return;
    }
  errors = tern_ui_certificate_describe_errors (tern_diagnosis_get_certificate_errors (diagnosis));
  body = g_strdup_printf ("%s %s %s", tern_diagnosis_get_explanation (diagnosis), errors,
                          _("Trust it only if you know that this is your provider’s certificate: anybody between you "
                            "and the server could read your mail with a certificate of their own."));
  dialog = adw_message_dialog_new (remedy->parent, heading, body);
  list = gtk_list_box_new ();
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  tern_ui_certificate_fill_list (GTK_LIST_BOX (list), diagnosis);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), list);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "trust",
                                    _("_Trust This Certificate"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "trust", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (certificate_response_cb), remedy);
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * tern_ui_account_remedy_ask_password:
 *
 * Asks for the account's password and keeps it (keyring, or memory): the account
 * settings' "Change Password…".
 */
void
tern_ui_account_remedy_ask_password (GtkWindow *parent, TernMail *mail, TernMailAccount *account)
{
  Remedy *remedy;

  g_return_if_fail (TERN_IS_MAIL (mail));
  g_return_if_fail (TERN_IS_MAIL_ACCOUNT (account));

  remedy = g_new0 (Remedy, 1);
  remedy->mail = g_object_ref (mail);
  remedy->account = g_object_ref (account);
  remedy->parent = parent != NULL ? g_object_ref (parent) : NULL;
  ask_password (remedy);
}

/**
 * tern_ui_account_remedy_run:
 *
 * Does what the account's remedy says: asks for its password, shows its server's
 * certificate, or retries it.
 */
void
tern_ui_account_remedy_run (GtkWindow *parent, TernMail *mail, TernMailAccount *account)
{
  Remedy *remedy;

  g_return_if_fail (TERN_IS_MAIL (mail));
  g_return_if_fail (TERN_IS_MAIL_ACCOUNT (account));

  remedy = g_new0 (Remedy, 1);
  remedy->mail = g_object_ref (mail);
  remedy->account = g_object_ref (account);
  remedy->parent = parent != NULL ? g_object_ref (parent) : NULL;
  switch (tern_mail_account_get_remedy (account))
    {
    case TERN_MAIL_REMEDY_PASSWORD:
      ask_password (remedy);
      break;
    case TERN_MAIL_REMEDY_CERTIFICATE:
      review_certificate (remedy);
      break;
    case TERN_MAIL_REMEDY_SETTINGS:
      gtk_window_present (GTK_WINDOW (tern_ui_account_settings_new (parent, mail, account)));
      remedy_free (remedy);
      break;
    case TERN_MAIL_REMEDY_NONE:
    default:
      tern_mail_account_retry (account);
      remedy_free (remedy);
      break;
    }
}
