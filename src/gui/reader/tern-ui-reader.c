/* tern-ui-reader.c: what the reader's widgets share
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "tern-ui-reader-private.h"

/**
 * _tern_ui_reader_content_load:
 * @db: a store worker's connection
 * @message_id: the message
 * @prefer_plain: show plain text alternatives rather than HTML
 *
 * Reads and parses a message for the reader, and prepares its HTML bodies
 * (tracking images removed, remote content found). Runs on a store worker: the
 * UI thread never parses MIME.
 *
 * Returns: (transfer full) (nullable): the content, or %NULL with
 *   %TERN_STORE_ERROR_NOT_FOUND when only the header is stored
 */
TernUiReaderContent *
_tern_ui_reader_content_load (TernStoreDb  *db,
                              gint64        message_id,
                              gboolean      prefer_plain,
                              GError      **error)
{
  g_autoptr(GBytes) raw = tern_store_db_get_raw (db, message_id, error);
  TernUiReaderContent *content;
  GPtrArray *bodies;

  if (raw == NULL)
    return NULL;

  content = g_new0 (TernUiReaderContent, 1);
  content->mime = tern_mime_message_new (raw, prefer_plain ? TERN_MIME_MESSAGE_PREFER_PLAIN
                                                           : TERN_MIME_MESSAGE_DEFAULT);
  content->html = g_ptr_array_new_with_free_func (g_free);
  bodies = tern_mime_message_get_bodies (content->mime);
  for (guint i = 0; i < bodies->len; i++)
    {
      TernMimeBody *body = g_ptr_array_index (bodies, i);
      TernMimeHtmlReport report;

      if (body->kind != TERN_MIME_BODY_HTML)
        {
          g_ptr_array_add (content->html, NULL);
          continue;
        }
      g_ptr_array_add (content->html, tern_mime_html_prepare (body->text, strlen (body->text), &report));
      content->remote |= report.remote;
      content->n_trackers += report.n_trackers;
    }
  return content;
}

void
_tern_ui_reader_content_free (TernUiReaderContent *content)
{
  if (content == NULL)
    return;
  g_clear_object (&content->mime);
  g_clear_pointer (&content->html, g_ptr_array_unref);
  g_free (content);
}

/**
 * _tern_ui_reader_ensure_style:
 *
 * Loads the reader's style sheet (tern-ui-reader.css) for the default display,
 * once.
 */
void
_tern_ui_reader_ensure_style (void)
{
  static gboolean loaded;
  GdkDisplay *display = gdk_display_get_default ();
  g_autoptr(GtkCssProvider) provider = NULL;

  if (loaded || display == NULL)
    return;
  loaded = TRUE;
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, RESOURCE_PREFIX "/reader/tern-ui-reader.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}
