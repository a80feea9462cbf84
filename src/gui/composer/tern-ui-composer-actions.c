/* tern-ui-composer-actions.c: the main window's ways into the composer
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The actions the main window gets: win.compose (Ctrl+N), win.compose-to (an address,
 * from the reader), win.reply (Ctrl+R), win.reply-all (Ctrl+Shift+R), win.forward
 * (Ctrl+L, inline, the attachments kept), win.forward-attachment and win.edit-draft
 * (a draft opened again; also what opening a message of the Drafts folder does). The
 * message they act on is the one the window shows (tern_ui_window_get_current_message()).
 */
#include "config.h"

#include "tern-ui-composer.h"
#include "tern-ui-composer-actions.h"
#include "tern-ui-window.h"

static TernUiApplication *
application_of (GtkWidget *window)
{
  return TERN_UI_APPLICATION (gtk_window_get_application (GTK_WINDOW (window)));
}

static void
compose_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  tern_ui_composer_open (application_of (widget));
}

static void
compose_to_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  g_autoptr(TernOutboxComposition) c = tern_outbox_composition_new ();

  c->to = g_strdup (g_variant_get_string (parameter, NULL));
  tern_ui_composer_open_composition (application_of (widget), c, TRUE);
}

static void
reply_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  g_autoptr(TernStoreMessage) message = tern_ui_window_get_current_message (TERN_UI_WINDOW (widget));
  TernOutboxReplyKind kind = TERN_OUTBOX_REPLY_SENDER;

  if (message == NULL)
    return;
  if (g_str_equal (action_name, "win.reply-all"))
    kind = TERN_OUTBOX_REPLY_ALL;
  else if (g_str_equal (action_name, "win.forward"))
    kind = TERN_OUTBOX_FORWARD_INLINE;
  else if (g_str_equal (action_name, "win.forward-attachment"))
    kind = TERN_OUTBOX_FORWARD_ATTACHMENT;
  tern_ui_composer_open_reply (application_of (widget), tern_store_message_get_id (message), kind);
}

static void
edit_draft_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  g_autoptr(TernStoreMessage) message = tern_ui_window_get_current_message (TERN_UI_WINDOW (widget));

  if (message != NULL)
    tern_ui_composer_open_draft (application_of (widget), tern_store_message_get_id (message));
}

/**
 * tern_ui_composer_actions_install:
 *
 * Installs the composer's actions on the main window's class.
 */
void
tern_ui_composer_actions_install (GtkWidgetClass *window_class)
{
  gtk_widget_class_install_action (window_class, "win.compose", NULL, compose_action_cb);
  gtk_widget_class_install_action (window_class, "win.compose-to", "s", compose_to_action_cb);
  gtk_widget_class_install_action (window_class, "win.reply", NULL, reply_action_cb);
  gtk_widget_class_install_action (window_class, "win.reply-all", NULL, reply_action_cb);
  gtk_widget_class_install_action (window_class, "win.forward", NULL, reply_action_cb);
  gtk_widget_class_install_action (window_class, "win.forward-attachment", NULL, reply_action_cb);
  gtk_widget_class_install_action (window_class, "win.edit-draft", NULL, edit_draft_action_cb);
}

/**
 * tern_ui_composer_actions_update:
 * @message: (nullable): the message the window shows
 *
 * Replies and forwards need a message; a draft is edited rather than replied to.
 */
void
tern_ui_composer_actions_update (GtkWidget *window, TernStoreMessage *message)
{
  gboolean draft = message != NULL && (tern_store_message_get_flags (message) & TERN_STORE_FLAG_DRAFT);

  gtk_widget_action_set_enabled (window, "win.reply", message != NULL && !draft);
  gtk_widget_action_set_enabled (window, "win.reply-all", message != NULL && !draft);
  gtk_widget_action_set_enabled (window, "win.forward", message != NULL);
  gtk_widget_action_set_enabled (window, "win.forward-attachment", message != NULL);
  gtk_widget_action_set_enabled (window, "win.edit-draft", draft);
}

/**
 * tern_ui_composer_actions_open_draft:
 *
 * Opening a message of the Drafts folder goes on writing it.
 *
 * Returns: whether @message is a draft (and was opened in a composer)
 */
gboolean
tern_ui_composer_actions_open_draft (GtkWidget *window, TernStoreMessage *message)
{
  if (message == NULL || !(tern_store_message_get_flags (message) & TERN_STORE_FLAG_DRAFT))
    return FALSE;
  tern_ui_composer_open_draft (application_of (window), tern_store_message_get_id (message));
  return TRUE;
}
