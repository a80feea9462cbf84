/* tern-ui-reader-private.h: what the reader's widgets share, and the tests' hooks
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tern-mime-html.h"
#include "tern-mime-message.h"
#include "tern-store.h"
#include "tern-ui-message-card.h"

G_BEGIN_DECLS

/**
 * TernUiReaderContent:
 * @mime: the parsed message
 * @html: (element-type utf8): per body of @mime, its HTML prepared for the web view
 *   (tern_mime_html_prepare()), or %NULL for a body that is not HTML
 * @remote: the remote content the HTML bodies ask for
 * @n_trackers: tracking images removed from them
 *
 * A message ready to show, made on a store worker thread.
 */
typedef struct
{
  TernMimeMessage     *mime;
  GPtrArray           *html;
  TernMimeRemoteKinds  remote;
  guint                n_trackers;
} TernUiReaderContent;

TernUiReaderContent *_tern_ui_reader_content_load (TernStoreDb    *db,
                                                   gint64          message_id,
                                                   gboolean        prefer_plain,
                                                   GError        **error);
void                 _tern_ui_reader_content_free (TernUiReaderContent *content);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernUiReaderContent, _tern_ui_reader_content_free)

/* The card's parts the view and the tests reach. */
void       _tern_ui_message_card_set_content     (TernUiMessageCard   *self,
                                                  TernUiReaderContent *content);
GPtrArray *_tern_ui_message_card_get_html_bodies (TernUiMessageCard   *self);
GPtrArray *_tern_ui_message_card_get_text_bodies (TernUiMessageCard   *self);

/* A toast in the message view that holds @from. */
void _tern_ui_reader_toast (GtkWidget  *from,
                            const char *text);

/* Links and their targets, from any body of a message view: the view opens them
 * (GtkLabel-like ::activate-link) and shows where they lead. */
void _tern_ui_reader_activate_link (GtkWidget  *from,
                                    const char *uri,
                                    const char *label);
void _tern_ui_reader_hover_link    (GtkWidget  *from,
                                    const char *uri);

/* Tests: opens files with this instead of the default application. */
typedef void (*TernUiReaderLaunchHook) (GFile    *file,
                                        gpointer  user_data);
void _tern_ui_reader_set_launch_hook (TernUiReaderLaunchHook hook,
                                      gpointer               user_data);

/* Loads the reader's style sheet once per display. */
void _tern_ui_reader_ensure_style (void);

G_END_DECLS
