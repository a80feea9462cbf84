/* tern-ui-notifier.c: desktop notifications of new mail
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * TernMail::new-mail says which messages a sync found since a folder's previous
 * sync (never those of a folder's first sync). The notifier reads their senders and
 * subjects on a store worker and sends one GNotification, always under the same id
 * so that each replaces the last: one message says who wrote and about what and
 * opens it ("app.show-message"); several are summed up and open their folder
 * ("app.show-folder"). Messages notified and not yet looked at add up until the
 * user opens the window or a notification (tern_ui_notifier_withdraw()).
 * Signals of one sync arriving together (several folders) are merged for 250 ms.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tern-ui-notifier.h"
#include "tern-ui-row-text.h"

/* The messages a summary names. */
#define SUMMARY_LINES 3

struct _TernUiNotifier
{
  GObject        parent_instance;

  GApplication  *application;     /* weak: the application owns the notifier */
  TernMail      *mail;
  GSettings     *settings;
  GCancellable  *cancellable;
  GArray        *ids;             /* notified, not looked at yet */
  GArray        *folders;         /* their folders (gint64, one each) */
  GPtrArray     *lines;           /* "Sender: Subject" of the newest ones */
  char          *title;           /* the sender of a lone message */
  char          *body;
  guint          flush_timeout;
  guint          n_sent;
  GNotification *last;
};

G_DEFINE_FINAL_TYPE (TernUiNotifier, tern_ui_notifier, G_TYPE_OBJECT)

typedef struct
{
  GArray *ids;
} ReadWork;

static void
read_work_free (ReadWork *work)
{
  g_array_unref (work->ids);
  g_free (work);
}

static gpointer
read_work (TernStoreDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  ReadWork *work = data;
  GPtrArray *messages = g_ptr_array_new_with_free_func (g_object_unref);

  /* The newest (the highest ids) first. */
  for (guint i = work->ids->len; i > 0 && messages->len < SUMMARY_LINES; i--)
    {
      TernStoreMessage *message = tern_store_db_get_message (db, g_array_index (work->ids, gint64, i - 1), NULL);

      if (message != NULL)
        g_ptr_array_add (messages, message);
    }
  return messages;
}

static void
send_notification (TernUiNotifier *self)
{
  g_autoptr(GNotification) notification = NULL;
  g_autoptr(GIcon) icon = g_themed_icon_new ("mail-unread-symbolic");
  guint n = self->ids->len;

  if (n == 0 || self->application == NULL)
    return;
  if (n == 1)
    {
      notification = g_notification_new (self->title != NULL ? self->title : _("New Message"));
      g_notification_set_body (notification, self->body);
      g_notification_set_default_action_and_target (notification, "app.show-message", "x",
                                                    g_array_index (self->ids, gint64, 0));
    }
  else
    {
      g_autofree char *title = g_strdup_printf (ngettext ("%u New Message", "%u New Messages", n), n);
      g_autoptr(GString) body = g_string_new (NULL);

      notification = g_notification_new (title);
      for (guint i = 0; i < self->lines->len; i++)
        {
          if (body->len > 0)
            g_string_append_c (body, '\n');
          g_string_append (body, g_ptr_array_index (self->lines, i));
        }
      if (n > self->lines->len)
        {
          guint more = n - self->lines->len;

          if (body->len > 0)
            g_string_append_c (body, '\n');
          g_string_append_printf (body, ngettext ("and %u more", "and %u more", more), more);
        }
      g_notification_set_body (notification, body->str);
      /* One folder: open it; several: the Inboxes (0 = All Inboxes). */
      g_notification_set_default_action_and_target (notification, "app.show-folder", "x",
                                                    self->folders->len == 1 ? g_array_index (self->folders, gint64, 0)
                                                                            : (gint64) 0);
    }
  g_notification_set_icon (notification, icon);
  g_notification_set_category (notification, "email.arrived");
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_NORMAL);
  g_application_withdraw_notification (self->application, TERN_UI_NOTIFIER_ID);
  g_application_send_notification (self->application, TERN_UI_NOTIFIER_ID, notification);
  g_set_object (&self->last, notification);
  self->n_sent++;
}

static void
read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernUiNotifier) self = user_data;
  g_autoptr(GPtrArray) messages = tern_store_run_finish (TERN_STORE (source), result, NULL);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

  if (messages == NULL)
    return;
  for (guint i = 0; i < messages->len; i++)
    {
      TernStoreMessage *message = g_ptr_array_index (messages, i);
      g_autofree char *sender = tern_ui_row_text_names (tern_store_message_get_from (message));
      const char *subject = tern_store_message_get_subject (message);

      if (sender == NULL || *sender == '\0')
        {
          g_free (sender);
          sender = g_strdup (_("Unknown sender"));
        }
      if (subject == NULL || *subject == '\0')
        subject = _("No subject");
      if (i == 0)
        {
          g_free (self->title);
          self->title = g_strdup (sender);
          g_free (self->body);
          self->body = g_strdup (subject);
        }
      /* Translators: a new message in a notification: "Sender: Subject" */
      g_ptr_array_add (lines, g_strdup_printf (_("%s: %s"), sender, subject));
    }
  g_ptr_array_unref (self->lines);
  self->lines = g_steal_pointer (&lines);
  send_notification (self);
}

static GArray *pending_ids (TernUiNotifier *self);

static gboolean
flush_cb (gpointer user_data)
{
  TernUiNotifier *self = user_data;
  ReadWork *work;

  self->flush_timeout = 0;
  work = g_new0 (ReadWork, 1);
  work->ids = pending_ids (self);
  tern_store_run_async (tern_mail_get_store (self->mail), read_work, work, (GDestroyNotify) read_work_free,
                        (GDestroyNotify) g_ptr_array_unref, self->cancellable, read_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

/* The newest messages notified: those the summary names. */
static GArray *
pending_ids (TernUiNotifier *self)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint from = self->ids->len > SUMMARY_LINES ? self->ids->len - SUMMARY_LINES : 0;

  g_array_append_vals (ids, &g_array_index (self->ids, gint64, from), self->ids->len - from);
  return ids;
}

static void
new_mail_cb (TernMail *mail, TernMailAccount *account, gint64 folder_id, GArray *ids, TernUiNotifier *self)
{
  gboolean known = FALSE;

  if (!g_settings_get_boolean (self->settings, "notifications") || ids == NULL || ids->len == 0)
    return;
  g_array_append_vals (self->ids, ids->data, ids->len);
  for (guint i = 0; i < self->folders->len; i++)
    if (g_array_index (self->folders, gint64, i) == folder_id)
      known = TRUE;
  if (!known)
    g_array_append_val (self->folders, folder_id);
  if (self->flush_timeout == 0)
    self->flush_timeout = g_timeout_add (250, flush_cb, self);
}

/**
 * tern_ui_notifier_withdraw:
 *
 * The user has seen the new mail (the window is active, a notification was opened):
 * the notification goes, and the next one starts counting again.
 */
void
tern_ui_notifier_withdraw (TernUiNotifier *self)
{
  g_return_if_fail (TERN_UI_IS_NOTIFIER (self));

  if (self->ids->len == 0)
    return;
  g_array_set_size (self->ids, 0);
  g_array_set_size (self->folders, 0);
  g_ptr_array_set_size (self->lines, 0);
  if (self->application != NULL)
    g_application_withdraw_notification (self->application, TERN_UI_NOTIFIER_ID);
}

/**
 * tern_ui_notifier_get_n_sent:
 *
 * Returns: how many notifications were sent (for tests)
 */
guint
tern_ui_notifier_get_n_sent (TernUiNotifier *self)
{
  g_return_val_if_fail (TERN_UI_IS_NOTIFIER (self), 0);
  return self->n_sent;
}

/**
 * tern_ui_notifier_get_last:
 *
 * Returns: (transfer none) (nullable): the last notification sent (for tests)
 */
GNotification *
tern_ui_notifier_get_last (TernUiNotifier *self)
{
  g_return_val_if_fail (TERN_UI_IS_NOTIFIER (self), NULL);
  return self->last;
}

static void
tern_ui_notifier_dispose (GObject *object)
{
  TernUiNotifier *self = TERN_UI_NOTIFIER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->flush_timeout, g_source_remove);
  if (self->mail != NULL)
    g_signal_handlers_disconnect_by_data (self->mail, self);
  g_clear_weak_pointer (&self->application);
  g_clear_object (&self->mail);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->last);
  G_OBJECT_CLASS (tern_ui_notifier_parent_class)->dispose (object);
}

static void
tern_ui_notifier_finalize (GObject *object)
{
  TernUiNotifier *self = TERN_UI_NOTIFIER (object);

  g_array_unref (self->ids);
  g_array_unref (self->folders);
  g_ptr_array_unref (self->lines);
  g_free (self->title);
  g_free (self->body);
  G_OBJECT_CLASS (tern_ui_notifier_parent_class)->finalize (object);
}

static void
tern_ui_notifier_class_init (TernUiNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tern_ui_notifier_dispose;
  object_class->finalize = tern_ui_notifier_finalize;
}

static void
tern_ui_notifier_init (TernUiNotifier *self)
{
  self->cancellable = g_cancellable_new ();
  self->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->folders = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->lines = g_ptr_array_new_with_free_func (g_free);
}

/**
 * tern_ui_notifier_new:
 *
 * Returns: (transfer full): a notifier of @mail's new mail, sent through @application
 */
TernUiNotifier *
tern_ui_notifier_new (GApplication *application, TernMail *mail, GSettings *settings)
{
  TernUiNotifier *self = g_object_new (TERN_UI_TYPE_NOTIFIER, NULL);

  g_set_weak_pointer (&self->application, application);
  self->mail = g_object_ref (mail);
  self->settings = g_object_ref (settings);
  g_signal_connect (mail, "new-mail", G_CALLBACK (new_mail_cb), self);
  return self;
}
