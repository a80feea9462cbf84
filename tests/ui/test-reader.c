/* test-reader.c: the reader (TernUiMessageView and its cards), in process, under Xvfb
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A store in a temporary XDG home is filled with tern_store_db_* calls and shown in
 * a window holding only the message view. Remote content is served by an HTTP
 * listener of the test's own on 127.0.0.1, which records every request.
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <adwaita.h>
#include <webkit/webkit.h>

#include "tern-engine.h"
#include "tern-mime-mbox-reader.h"
#include "tern-store.h"
#include "tern-ui-attachments.h"
#include "tern-ui-html-body.h"
#include "tern-ui-html-loader.h"
#include "tern-ui-message-view.h"
#include "tern-ui-reader-private.h"
#include "tern-ui-source-window.h"
#include "tern-ui-text-body.h"
#include "ui-screenshot.h"

static char *home;
static TernStore *store;
static GtkWindow *window;
static TernUiMessageView *view;
static GSettings *settings;
static GSimpleActionGroup *win_actions;
static char *composed_to;

/* ---- waiting ------------------------------------------------------------------------ */

/* ---- the HTTP listener ------------------------------------------------------------------ */

static GThreadedSocketService *http;
static guint16 http_port;
static GMutex http_lock;
static GPtrArray *http_requests;

static const guint8 png_1x1[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
  0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
  0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60, 0x60, 0xf8, 0xcf,
  0x00, 0x00, 0x03, 0x01, 0x01, 0x00, 0xc9, 0xfe, 0x92, 0xef, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
  0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};

static gboolean
http_run_cb (GThreadedSocketService *service,
             GSocketConnection      *connection,
             GObject                *source,
             gpointer                user_data)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autoptr(GDataInputStream) data = g_data_input_stream_new (in);
  g_autofree char *request = g_data_input_stream_read_line (data, NULL, NULL, NULL);
  g_autofree char *header = NULL;
  g_autofree char *reply = NULL;

  if (request == NULL)
    return TRUE;
  g_strchomp (request);
  while ((header = g_data_input_stream_read_line (data, NULL, NULL, NULL)) != NULL && *g_strchomp (header) != '\0')
    g_clear_pointer (&header, g_free);

  g_mutex_lock (&http_lock);
  g_ptr_array_add (http_requests, g_strdup (request));
  g_mutex_unlock (&http_lock);

  reply = g_strdup_printf ("HTTP/1.0 200 OK\r\nContent-Type: image/png\r\nContent-Length: %u\r\n"
                           "Connection: close\r\n\r\n", (guint) sizeof png_1x1);
  g_output_stream_write_all (out, reply, strlen (reply), NULL, NULL, NULL);
  g_output_stream_write_all (out, png_1x1, sizeof png_1x1, NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

static void
http_start (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;

  http_requests = g_ptr_array_new_with_free_func (g_free);
  http = G_THREADED_SOCKET_SERVICE (g_threaded_socket_service_new (4));
  g_socket_listener_add_address (G_SOCKET_LISTENER (http), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  http_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_signal_connect (http, "run", G_CALLBACK (http_run_cb), NULL);
  g_socket_service_start (G_SOCKET_SERVICE (http));
}

static guint
http_count (const char *path)
{
  guint n = 0;

  g_mutex_lock (&http_lock);
  for (guint i = 0; i < http_requests->len; i++)
    if (path == NULL || strstr (g_ptr_array_index (http_requests, i), path) != NULL)
      n++;
  g_mutex_unlock (&http_lock);
  return n;
}

static gboolean
image_requested (gpointer data)
{
  return http_count ("/image.png") > 0;
}

/* ---- the store ------------------------------------------------------------------------------ */

static gint64
add_message_full (const char *text, TernStoreFlags flags, gboolean header_only)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreDb) db = tern_store_db_open (tern_store_get_path (store), &error);
  g_autoptr(GBytes) raw = g_bytes_new (text, strlen (text));
  g_autoptr(TernMimeSummary) summary = NULL;
  TernStoreDbNewMessage m = { 0 };
  gint64 id;

  g_assert_no_error (error);
  m.folder_id = 1;
  m.flags = flags;
  if (header_only)
    {
      summary = tern_mime_summary_new ((const guint8 *) text, strlen (text));
      m.summary = summary;
      m.size = strlen (text);
    }
  else
    m.raw = raw;
  id = tern_store_db_add_message (db, &m, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static gint64
add_message (const char *text, TernStoreFlags flags)
{
  return add_message_full (text, flags, FALSE);
}

static TernStoreMessage *
get_row (gint64 id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreDb) db = tern_store_db_open (tern_store_get_path (store), &error);
  TernStoreMessage *m = tern_store_db_get_message (db, id, &error);

  g_assert_no_error (error);
  return m;
}

/* ---- the view ------------------------------------------------------------------------------ */

typedef struct
{
  gint64 id;
} CardWait;

static gboolean
card_done (gpointer data)
{
  TernUiMessageCard *card = tern_ui_message_view_find_card (view, *(gint64 *) data);

  if (card == NULL || tern_ui_message_view_get_loading (view))
    return FALSE;
  return tern_ui_message_card_get_body_shown (card) ||
         tern_ui_message_card_get_state (card) == TERN_UI_MESSAGE_CARD_ERROR;
}

static TernUiMessageCard *
show_one (gint64 id)
{
  TernUiMessageCard *card;

  tern_ui_message_view_show_message_ids (view, &id, 1, id);
  if (!ui_wait_until (card_done, &id, 20000))
    {
      card = tern_ui_message_view_find_card (view, id);
      g_error ("message %" G_GINT64_FORMAT " not shown: loading %d, card %p, state %d, expanded %d, mapped %d",
               id, tern_ui_message_view_get_loading (view), (void *) card,
               card ? (int) tern_ui_message_card_get_state (card) : -1,
               card ? tern_ui_message_card_get_expanded (card) : -1,
               card ? gtk_widget_get_mapped (GTK_WIDGET (card)) : -1);
    }
  return tern_ui_message_view_find_card (view, id);
}

static GtkWidget *
find_widget (GtkWidget *root, GType type, const char *label)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) && gtk_widget_get_mapped (root))
    {
      if (label == NULL)
        return root;
      if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
        return root;
      if (GTK_IS_LABEL (root) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), label) == 0)
        return root;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_widget (c, type, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

typedef struct {
  GtkWidget *root;
  GType type;
  const char *label;
  GtkWidget *found;
} WidgetWait;

static gboolean
widget_found (gpointer data)
{
  WidgetWait *w = data;

  w->found = find_widget (w->root, w->type, w->label);
  return w->found != NULL;
}

/* A widget that appears with an animation (a revealer's child is mapped at
 * its first frame): wait until it is mapped, up to 10 s. */
static GtkWidget *
wait_widget (GtkWidget *root, GType type, const char *label)
{
  WidgetWait w = { root, type, label, NULL };

  if (widget_found (&w))
    return w.found;
  g_test_message ("waiting for \"%s\" to be mapped", label ? label : g_type_name (type));
  if (!ui_wait_until (widget_found, &w, 10000))
    g_error ("no mapped %s \"%s\" after 10 s", g_type_name (type), label ? label : "(any)");
  return w.found;
}

static void
screenshot (const char *name)
{
  g_autofree char *path = NULL;

  /* A busy machine may take a while to draw the first frame: up to 20 s. */
  ui_settle (300);
  for (guint i = 0; i < 200 && (path = ui_screenshot_save (GTK_WIDGET (view), name)) == NULL; i++)
    ui_settle (100);
  g_assert_nonnull (path);
  g_test_message ("screenshot: %s", path);
}

/* ---- plain text ------------------------------------------------------------------------ */

static char *clicked_uri;

static gboolean
activate_link_cb (TernUiMessageView *v, const char *uri, gpointer data)
{
  g_free (clicked_uri);
  clicked_uri = g_strdup (uri);
  return TRUE;  /* the test's: no browser */
}

static const char plain_message[] =
  "From: Ada Lovelace <ada@example.org>\r\n"
  "To: Charles Babbage <charles@example.org>, analytical@example.org\r\n"
  "Cc: \"Mary Somerville\" <mary@example.org>\r\n"
  "Subject: Re: Notes on the engine\r\n"
  "Date: Tue, 02 Jan 2024 10:00:00 +0000\r\n"
  "Message-ID: <plain@example.org>\r\n"
  "MIME-Version: 1.0\r\n"
  "Content-Type: text/plain; charset=utf-8; format=flowed\r\n"
  "Content-Transfer-Encoding: 8bit\r\n"
  "\r\n"
  "Dear Charles, \r\n"
  "the notes are at https://example.org/notes/engine (draft).\r\n"
  "\r\n"
  "On Monday you wrote:\r\n"
  "> Could the engine compose \r\n"
  "> music?\r\n"
  ">> It weaves algebraic patterns \r\n"
  ">> as the loom weaves flowers.\r\n"
  "> I think so.\r\n"
  "\r\n"
  "Write to mailto:ada@example.org any time. Grüße, Ада.\r\n"
  "-- \r\n"
  "Ada\r\n";

static void
test_plain_text (void)
{
  gint64 id = add_message (plain_message, TERN_STORE_FLAG_SEEN);
  TernUiMessageCard *card = show_one (id);
  GPtrArray *bodies = _tern_ui_message_card_get_text_bodies (card);
  TernUiTextBody *body;
  GtkTextBuffer *buffer;
  GtkTextIter start, end, link_iter;
  g_autofree char *text = NULL;
  GdkRectangle rect;
  int wx, wy;
  const char *p;
  int line_music = -1, line_weaves = -1, line_think = -1;

  g_assert_cmpint (tern_ui_message_card_get_state (card), ==, TERN_UI_MESSAGE_CARD_SHOWN);
  g_assert_true (tern_ui_message_card_get_expanded (card));
  g_assert_cmpuint (bodies->len, ==, 1);
  body = g_ptr_array_index (bodies, 0);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (body));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);

  /* flowed lines joined, quote marks gone, UTF-8 right */
  g_assert_nonnull (strstr (text, "Dear Charles, the notes are at https://example.org/notes/engine (draft)."));
  g_assert_nonnull (strstr (text, "Could the engine compose music?"));
  g_assert_nonnull (strstr (text, "It weaves algebraic patterns as the loom weaves flowers."));
  g_assert_nonnull (strstr (text, "Grüße, Ада."));
  g_assert_null (strchr (text, '>'));

  for (int line = 0; line < gtk_text_buffer_get_line_count (buffer); line++)
    {
      GtkTextIter a, b;
      g_autofree char *l = NULL;

      gtk_text_buffer_get_iter_at_line (buffer, &a, line);
      b = a;
      gtk_text_iter_forward_to_line_end (&b);
      l = gtk_text_buffer_get_text (buffer, &a, &b, FALSE);
      if (strstr (l, "compose music") != NULL)
        line_music = line;
      if (strstr (l, "algebraic") != NULL)
        line_weaves = line;
      if (strstr (l, "I think so") != NULL)
        line_think = line;
    }
  g_assert_cmpint (tern_ui_text_body_get_quote_depth_at_line (body, 0), ==, 0);
  g_assert_cmpint (tern_ui_text_body_get_quote_depth_at_line (body, line_music), ==, 1);
  g_assert_cmpint (tern_ui_text_body_get_quote_depth_at_line (body, line_weaves), ==, 2);
  g_assert_cmpint (tern_ui_text_body_get_quote_depth_at_line (body, line_think), ==, 1);

  /* the links, without the sentence's punctuation */
  p = strstr (text, "https://");
  g_assert_cmpstr (tern_ui_text_body_get_link_at_offset (body, (int) g_utf8_pointer_to_offset (text, p) + 3), ==,
                   "https://example.org/notes/engine");
  p = strstr (text, "mailto:");
  g_assert_cmpstr (tern_ui_text_body_get_link_at_offset (body, (int) g_utf8_pointer_to_offset (text, p)), ==,
                   "mailto:ada@example.org");
  g_assert_null (tern_ui_text_body_get_link_at_offset (body, 2));

  /* a click on the link opens it (through ::activate-link, caught here) */
  p = strstr (text, "https://");
  gtk_text_buffer_get_iter_at_offset (buffer, &link_iter, (int) g_utf8_pointer_to_offset (text, p) + 5);
  gtk_text_view_get_iter_location (GTK_TEXT_VIEW (body), &link_iter, &rect);
  gtk_text_view_buffer_to_window_coords (GTK_TEXT_VIEW (body), GTK_TEXT_WINDOW_WIDGET,
                                         rect.x + 1, rect.y + rect.height / 2, &wx, &wy);
  g_clear_pointer (&clicked_uri, g_free);
  g_assert_true (tern_ui_text_body_click_at (body, wx, wy));
  g_assert_cmpstr (clicked_uri, ==, "https://example.org/notes/engine");
  g_assert_false (tern_ui_text_body_click_at (body, 1, 1));

  /* the header: addresses as buttons, subject */
  g_assert_nonnull (find_widget (GTK_WIDGET (card), GTK_TYPE_LABEL, "Ada Lovelace"));
  g_assert_nonnull (find_widget (GTK_WIDGET (card), GTK_TYPE_LABEL, "Charles Babbage"));
  g_assert_nonnull (find_widget (GTK_WIDGET (card), GTK_TYPE_LABEL, "analytical@example.org"));
  g_assert_nonnull (find_widget (GTK_WIDGET (card), GTK_TYPE_LABEL, "Mary Somerville"));
  g_assert_nonnull (find_widget (GTK_WIDGET (card), GTK_TYPE_LABEL, "Re: Notes on the engine"));

  screenshot ("reader-plain-text.png");
}

static void
test_address_actions (void)
{
  gint64 id = add_message (plain_message, TERN_STORE_FLAG_SEEN);
  TernUiMessageCard *card = show_one (id);
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (card));
  GValue v = G_VALUE_INIT;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "card.copy-address", "s", "ada@example.org"));
  g_value_init (&v, G_TYPE_STRING);
  g_assert_true (gdk_content_provider_get_value (gdk_clipboard_get_content (clipboard), &v, NULL));
  g_assert_cmpstr (g_value_get_string (&v), ==, "ada@example.org");
  g_value_unset (&v);

  /* New Message To: the window's action, with the address */
  g_clear_pointer (&composed_to, g_free);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "win.compose-to", "s", "Ada Lovelace <ada@example.org>"));
  g_assert_cmpstr (composed_to, ==, "Ada Lovelace <ada@example.org>");

  /* a mailto: link goes to the composer too (default ::activate-link handler) */
  g_clear_pointer (&composed_to, g_free);
  g_signal_handlers_block_by_func (view, activate_link_cb, NULL);
  _tern_ui_reader_activate_link (GTK_WIDGET (card), "mailto:ada@example.org?subject=Hi", NULL);
  g_signal_handlers_unblock_by_func (view, activate_link_cb, NULL);
  g_assert_cmpstr (composed_to, ==, "ada@example.org");
}

/* ---- HTML: remote content and tracking pixels ------------------------------------------- */

static char *
remote_message (const char *from)
{
  return g_strdup_printf ("From: %s\r\n"
                          "To: reader@example.org\r\n"
                          "Subject: Our newsletter\r\n"
                          "Date: Wed, 03 Jan 2024 09:00:00 +0000\r\n"
                          "MIME-Version: 1.0\r\n"
                          "Content-Type: text/html; charset=utf-8\r\n"
                          "\r\n"
                          "<html><head><style>body { font-family: sans-serif }</style></head><body>"
                          "<h1>News</h1><p>An image from the web:</p>"
                          "<img src=\"http://127.0.0.1:%u/image.png\" width=\"64\" height=\"64\" alt=\"the image\">"
                          "<p>And a <a href=\"https://example.org/more\">link</a>.</p>"
                          "<img src=\"http://127.0.0.1:%u/pixel.gif\" width=\"1\" height=\"1\">"
                          "<link rel=\"stylesheet\" href=\"http://127.0.0.1:%u/style.css\">"
                          "<iframe src=\"http://127.0.0.1:%u/frame.html\"></iframe>"
                          "</body></html>\r\n",
                          from, http_port, http_port, http_port, http_port);
}

static void
test_remote_content (void)
{
  g_autofree char *text = remote_message ("News <news@example.com>");
  gint64 id = add_message (text, TERN_STORE_FLAG_SEEN);
  TernUiMessageCard *card;
  GtkWidget *once;
  GPtrArray *html;

  g_settings_set_string (settings, "show-remote-images", "ask");
  card = show_one (id);
  g_assert_cmpint (tern_ui_message_card_get_state (card), ==, TERN_UI_MESSAGE_CARD_SHOWN);
  html = _tern_ui_message_card_get_html_bodies (card);
  g_assert_cmpuint (html->len, ==, 1);
  g_assert_false (tern_ui_html_body_get_remote_allowed (g_ptr_array_index (html, 1 - 1)));
  g_assert_cmpint (tern_ui_html_body_get_content_height (g_ptr_array_index (html, 0)), >, 60);

  /* Loaded and painted: give the web process time to (not) fetch anything. */
  ui_settle (1500);
  g_assert_cmpuint (http_count (NULL), ==, 0);

  g_assert_true (tern_ui_message_card_get_remote_blocked (card));
  g_assert_nonnull (find_widget (GTK_WIDGET (card), GTK_TYPE_LABEL, "Remote content was blocked to protect your privacy."));
  once = wait_widget (GTK_WIDGET (card), GTK_TYPE_BUTTON, "Show Once");
  g_assert_nonnull (once);
  g_assert_nonnull (find_widget (GTK_WIDGET (card), GTK_TYPE_BUTTON, "Always for This Sender"));
  screenshot ("reader-html-banner.png");

  g_signal_emit_by_name (once, "clicked");
  g_assert_true (ui_wait_until (image_requested, NULL, 15000));
  ui_settle (1500);
  g_assert_cmpuint (http_count ("/image.png"), ==, 1);
  g_assert_cmpuint (http_count ("/pixel.gif"), ==, 0);   /* the tracker stays out */
  g_assert_cmpuint (http_count ("/frame.html"), ==, 0);  /* frames stay out */
  g_assert_true (tern_ui_html_body_get_remote_allowed (g_ptr_array_index (html, 0)));
  g_assert_false (tern_ui_message_card_get_remote_blocked (card));

  /* "Always for This Sender" is remembered: the next message of the sender loads */
  {
    g_autofree char *again = remote_message ("Shop <shop@example.net>");
    g_auto(GStrv) senders = NULL;
    gint64 id2 = add_message (again, TERN_STORE_FLAG_SEEN);
    gint64 id3 = add_message (again, TERN_STORE_FLAG_SEEN);
    guint before;

    card = show_one (id2);
    g_assert_true (tern_ui_message_card_get_remote_blocked (card));
    before = http_count ("/image.png");
    g_signal_emit_by_name (wait_widget (GTK_WIDGET (card), GTK_TYPE_BUTTON, "Always for This Sender"), "clicked");
    senders = g_settings_get_strv (settings, "remote-content-senders");
    g_assert_true (g_strv_contains ((const char * const *) senders, "shop@example.net"));
    ui_settle (1000);

    card = show_one (id3);
    g_assert_false (tern_ui_message_card_get_remote_blocked (card));
    g_assert_true (tern_ui_html_body_get_remote_allowed (g_ptr_array_index (_tern_ui_message_card_get_html_bodies (card), 0)));
    ui_settle (1500);
    g_assert_cmpuint (http_count ("/image.png"), >=, before + 2);
    g_assert_cmpuint (http_count ("/pixel.gif"), ==, 0);
    g_settings_reset (settings, "remote-content-senders");
  }

  /* "never": no bar, nothing loads */
  {
    guint before = http_count (NULL);

    g_settings_set_string (settings, "show-remote-images", "never");
    card = show_one (id);
    g_assert_false (tern_ui_message_card_get_remote_blocked (card));
    ui_settle (1000);
    g_assert_cmpuint (http_count (NULL), ==, before);
    g_settings_reset (settings, "show-remote-images");
  }
}

static gboolean
dialog_open (gpointer data)
{
  GList *toplevels = gtk_window_list_toplevels ();
  gboolean found = FALSE;

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      {
        *(AdwMessageDialog **) data = l->data;
        found = TRUE;
      }
  g_list_free (toplevels);
  return found;
}

static gboolean
link_clicked (gpointer data)
{
  return clicked_uri != NULL;
}

static void
test_html_links (void)
{
  g_autofree char *text = remote_message ("Links <links@example.org>");
  gint64 id = add_message (text, TERN_STORE_FLAG_SEEN);
  TernUiMessageCard *card = show_one (id);
  TernUiHtmlBody *body = g_ptr_array_index (_tern_ui_message_card_get_html_bodies (card), 0);
  WebKitWebView *web = WEBKIT_WEB_VIEW (tern_ui_html_body_get_web_view (body));
  AdwMessageDialog *dialog = NULL;

  /* A click on a link in the page goes to ::activate-link, the page stays. */
  g_clear_pointer (&clicked_uri, g_free);
  webkit_web_view_evaluate_javascript (web, "document.querySelector ('a').click ()", -1, "tern", NULL, NULL, NULL, NULL);
  g_assert_true (ui_wait_until (link_clicked, NULL, 10000));
  g_assert_cmpstr (clicked_uri, ==, "https://example.org/more");
  ui_settle (300);
  g_assert_cmpstr (webkit_web_view_get_uri (web), ==, "about:blank");

  /* The target under the pointer is shown. */
  _tern_ui_reader_hover_link (GTK_WIDGET (body), "https://example.org/more");
  g_assert_cmpstr (tern_ui_message_view_get_hovered_link (view), ==, "https://example.org/more");
  g_assert_nonnull (find_widget (GTK_WIDGET (view), GTK_TYPE_LABEL, "https://example.org/more"));
  _tern_ui_reader_hover_link (GTK_WIDGET (body), NULL);
  g_assert_null (find_widget (GTK_WIDGET (view), GTK_TYPE_LABEL, "https://example.org/more"));

  /* A link whose text shows another site asks first. */
  g_clear_pointer (&clicked_uri, g_free);
  _tern_ui_reader_activate_link (GTK_WIDGET (body), "https://evil.example.net/login", "www.paypal.com");
  g_assert_true (ui_wait_until (dialog_open, &dialog, 5000));
  g_assert_null (clicked_uri);
  adw_message_dialog_response (dialog, "open");
  g_assert_cmpstr (clicked_uri, ==, "https://evil.example.net/login");
  gtk_window_destroy (GTK_WINDOW (dialog));
  /* ... but not for the same site */
  g_clear_pointer (&clicked_uri, g_free);
  _tern_ui_reader_activate_link (GTK_WIDGET (body), "https://news.example.org/a", "example.org");
  g_assert_cmpstr (clicked_uri, ==, "https://news.example.org/a");
}

/* ---- cid: images ------------------------------------------------------------------------- */

static void
test_cid_image (void)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 40, 320);
  g_autofree char *png = NULL;
  g_autofree char *b64 = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) requests = NULL;
  gsize png_len;
  gint64 id;
  TernUiMessageCard *card;
  TernUiHtmlBody *body;

  gdk_pixbuf_fill (pixbuf, 0x2ec27eff);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &png, &png_len, "png", NULL, NULL));
  b64 = g_base64_encode ((const guchar *) png, png_len);
  text = g_strdup_printf ("From: Logo <logo@example.org>\r\n"
                          "Subject: An inline image\r\n"
                          "Date: Thu, 04 Jan 2024 09:00:00 +0000\r\n"
                          "MIME-Version: 1.0\r\n"
                          "Content-Type: multipart/related; boundary=rel\r\n"
                          "\r\n"
                          "--rel\r\n"
                          "Content-Type: text/html; charset=utf-8\r\n"
                          "\r\n"
                          "<html><body style=\"margin:0\"><p>Above</p><img src=\"cid:tall%%40example.org\"><p>Below</p></body></html>\r\n"
                          "--rel\r\n"
                          "Content-Type: image/png\r\n"
                          "Content-ID: <tall@example.org>\r\n"
                          "Content-Transfer-Encoding: base64\r\n"
                          "\r\n"
                          "%s\r\n"
                          "--rel--\r\n", b64);
  id = add_message (text, TERN_STORE_FLAG_SEEN);
  card = show_one (id);
  g_assert_cmpint (tern_ui_message_card_get_state (card), ==, TERN_UI_MESSAGE_CARD_SHOWN);
  body = g_ptr_array_index (_tern_ui_message_card_get_html_bodies (card), 0);

  /* The image's 320 pixels make the page taller than that: it was served and shown. */
  for (int i = 0; i < 100 && tern_ui_html_body_get_content_height (body) < 320; i++)
    ui_settle (100);
  g_assert_cmpint (tern_ui_html_body_get_content_height (body), >, 320);
  requests = tern_ui_html_body_dup_cid_requests (body);
  g_assert_true (g_strv_contains ((const char * const *) requests, "tall@example.org"));
  /* not listed as an attachment: the HTML shows it */
  g_assert_cmpuint (tern_mime_message_get_attachments (tern_ui_message_card_get_mime (card))->len, ==, 0);
}

/* ---- a conversation ------------------------------------------------------------------------ */

static GArray *marked_read;

static void
mark_read_cb (TernUiMessageView *v, gint64 id, gpointer data)
{
  g_array_append_val (marked_read, id);
}

static gint64 conversation[3];

static void
add_conversation (void)
{
  static const char * const texts[] = {
    "From: Grace Hopper <grace@example.org>\r\nTo: team@example.org\r\nSubject: Compiler meeting\r\n"
    "Date: Fri, 05 Jan 2024 09:00:00 +0000\r\nMessage-ID: <c1@example.org>\r\n\r\n"
    "Shall we meet on Monday to talk about the compiler?\r\n",
    "From: Alan Turing <alan@example.org>\r\nTo: team@example.org\r\nSubject: Re: Compiler meeting\r\n"
    "Date: Fri, 05 Jan 2024 11:30:00 +0000\r\nMessage-ID: <c2@example.org>\r\nIn-Reply-To: <c1@example.org>\r\n"
    "References: <c1@example.org>\r\n\r\nMonday works for me.\r\n\r\n> Shall we meet on Monday?\r\n",
    "From: Grace Hopper <grace@example.org>\r\nTo: team@example.org\r\nSubject: Re: Compiler meeting\r\n"
    "Date: Sat, 06 Jan 2024 08:15:00 +0000\r\nMessage-ID: <c3@example.org>\r\nIn-Reply-To: <c2@example.org>\r\n"
    "References: <c1@example.org> <c2@example.org>\r\n\r\nGreat, see you at ten.\r\n\r\n> Monday works for me.\r\n",
  };

  /* stored out of order: the view sorts by date */
  conversation[2] = add_message (texts[2], 0);
  conversation[0] = add_message (texts[0], TERN_STORE_FLAG_SEEN);
  conversation[1] = add_message (texts[1], TERN_STORE_FLAG_SEEN);
}

static gboolean
conversation_shown (gpointer data)
{
  return !tern_ui_message_view_get_loading (view) && tern_ui_message_view_get_n_cards (view) == 3 &&
         tern_ui_message_card_get_body_shown (tern_ui_message_view_get_card (view, 2));
}

static void
test_conversation (void)
{
  g_autoptr(TernStoreMessage) row = NULL;

  add_conversation ();
  row = get_row (conversation[2]);
  g_assert_cmpint (tern_store_message_get_thread_id (row), !=, 0);

  g_settings_set_double (settings, "mark-read-delay", 0.3);
  g_array_set_size (marked_read, 0);
  tern_ui_message_view_show_thread (view, tern_store_message_get_thread_id (row), conversation[2]);
  g_assert_true (ui_wait_until (conversation_shown, NULL, 20000));

  g_assert_cmpuint (tern_ui_message_view_get_n_cards (view), ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (tern_ui_message_card_get_message_id (tern_ui_message_view_get_card (view, i)), ==,
                     conversation[i]);
  /* read ones collapsed to a line, the unread (and selected) one expanded */
  g_assert_false (tern_ui_message_card_get_expanded (tern_ui_message_view_get_card (view, 0)));
  g_assert_false (tern_ui_message_card_get_expanded (tern_ui_message_view_get_card (view, 1)));
  g_assert_true (tern_ui_message_card_get_expanded (tern_ui_message_view_get_card (view, 2)));
  g_assert_nonnull (find_widget (GTK_WIDGET (tern_ui_message_view_get_card (view, 1)), GTK_TYPE_LABEL,
                                 "Monday works for me."));
  g_assert_true (tern_ui_message_card_get_unread (tern_ui_message_view_get_card (view, 2)));
  g_assert_cmpuint (marked_read->len, ==, 0);   /* not before the delay */
  screenshot ("reader-conversation.png");

  /* marked read after the delay */
  ui_settle (500);
  g_assert_cmpuint (marked_read->len, ==, 1);
  g_assert_cmpint (g_array_index (marked_read, gint64, 0), ==, conversation[2]);
  g_assert_false (tern_ui_message_card_get_unread (tern_ui_message_view_get_card (view, 2)));

  /* a collapsed message expands on a click of its line */
  {
    TernUiMessageCard *first = tern_ui_message_view_get_card (view, 0);
    gint64 first_id = conversation[0];

    g_signal_emit_by_name (find_widget (GTK_WIDGET (first), GTK_TYPE_BUTTON, NULL), "clicked");
    g_assert_true (tern_ui_message_card_get_expanded (first));
    g_assert_true (ui_wait_until (card_done, &first_id, 10000));
    g_assert_nonnull (find_widget (GTK_WIDGET (first), GTK_TYPE_LABEL, "Compiler meeting"));
  }

  /* the same from rows the caller has (a GListModel), in any order */
  {
    g_autoptr(GListStore) rows = g_list_store_new (TERN_TYPE_STORE_MESSAGE);

    for (int i = 2; i >= 0; i--)
      {
        g_autoptr(TernStoreMessage) m = get_row (conversation[i]);

        g_list_store_append (rows, m);
      }
    tern_ui_message_view_show_messages (view, G_LIST_MODEL (rows), conversation[1]);
    g_assert_cmpuint (tern_ui_message_view_get_n_cards (view), ==, 3);
    for (guint i = 0; i < 3; i++)
      g_assert_cmpint (tern_ui_message_card_get_message_id (tern_ui_message_view_get_card (view, i)), ==,
                       conversation[i]);
    g_assert_false (tern_ui_message_card_get_expanded (tern_ui_message_view_get_card (view, 0)));
    g_assert_true (tern_ui_message_card_get_expanded (tern_ui_message_view_get_card (view, 1)));
    g_assert_true (ui_wait_until (card_done, &conversation[1], 10000));
  }
  g_settings_reset (settings, "mark-read-delay");
}

static void
test_mark_read_settings (void)
{
  g_autofree char *text = g_strdup ("From: a@example.org\r\nSubject: unread\r\n\r\nnew\r\n");
  gint64 id;

  /* The conversation before may still wait to mark its unread message read (a
   * slow, sanitized build): not this test's. */
  tern_ui_message_view_clear (view);

  /* never */
  g_settings_set_double (settings, "mark-read-delay", -1);
  g_array_set_size (marked_read, 0);
  id = add_message (text, 0);
  show_one (id);
  ui_settle (400);
  g_assert_cmpuint (marked_read->len, ==, 0);

  /* at once */
  g_settings_set_double (settings, "mark-read-delay", 0);
  id = add_message (text, 0);
  show_one (id);
  g_assert_cmpuint (marked_read->len, ==, 1);
  g_assert_cmpint (g_array_index (marked_read, gint64, 0), ==, id);

  /* default: 1 s, and a message left before that stays unread */
  g_settings_reset (settings, "mark-read-delay");
  g_assert_cmpfloat (g_settings_get_double (settings, "mark-read-delay"), ==, 1.0);
  id = add_message (text, 0);
  show_one (id);
  tern_ui_message_view_clear (view);
  ui_settle (1300);
  g_assert_cmpuint (marked_read->len, ==, 1);
}

/* ---- only the header stored ----------------------------------------------------------- */

static GArray *need_body;

static void
need_body_cb (TernUiMessageView *v, gint64 id, gpointer data)
{
  g_array_append_val (need_body, id);
}

static gboolean
card_in_state (gpointer data)
{
  TernUiMessageCard *card = tern_ui_message_view_find_card (view, ((gint64 *) data)[0]);

  return card != NULL && tern_ui_message_card_get_state (card) == (TernUiMessageCardState) ((gint64 *) data)[1];
}

static void
test_need_body (void)
{
  static const char text[] =
    "From: Remote <remote@example.org>\r\nSubject: Only the header\r\nDate: Sat, 06 Jan 2024 10:00:00 +0000\r\n"
    "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe body came later.\r\n";
  gint64 id = add_message_full (text, 0, TRUE);
  gint64 wait[2] = { id, TERN_UI_MESSAGE_CARD_FETCHING };
  g_autoptr(GError) offline = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE, "Network is unreachable");
  TernUiMessageCard *card;
  gulong handler = g_signal_connect (view, "need-body", G_CALLBACK (need_body_cb), NULL);

  g_array_set_size (need_body, 0);
  tern_ui_message_view_show_message_ids (view, &id, 1, id);
  g_assert_true (ui_wait_until (card_in_state, wait, 10000));
  card = tern_ui_message_view_find_card (view, id);
  g_assert_cmpuint (need_body->len, ==, 1);
  g_assert_cmpint (g_array_index (need_body, gint64, 0), ==, id);
  g_assert_nonnull (find_widget (GTK_WIDGET (card), GTK_TYPE_LABEL, "Downloading the message…"));
  g_assert_nonnull (find_widget (GTK_WIDGET (card), GTK_TYPE_SPINNER, NULL));

  /* offline: said in words, with Retry */
  tern_ui_message_view_body_fetched (view, id, offline);
  g_assert_cmpint (tern_ui_message_card_get_state (card), ==, TERN_UI_MESSAGE_CARD_ERROR);
  g_assert_nonnull (find_widget (GTK_WIDGET (card), GTK_TYPE_LABEL,
                                 "This message is not downloaded yet, and the mail server cannot be reached. "
                                 "Check your connection and try again."));
  g_signal_emit_by_name (wait_widget (GTK_WIDGET (card), GTK_TYPE_BUTTON, "_Retry"), "clicked");
  g_assert_cmpuint (need_body->len, ==, 2);
  g_assert_cmpint (tern_ui_message_card_get_state (card), ==, TERN_UI_MESSAGE_CARD_FETCHING);

  /* the body arrives */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(TernStoreDb) db = tern_store_db_open (tern_store_get_path (store), &error);
    g_autoptr(GBytes) raw = g_bytes_new (text, strlen (text));

    g_assert_true (tern_store_db_set_raw (db, id, raw, &error));
    g_assert_no_error (error);
  }
  tern_ui_message_view_body_fetched (view, id, NULL);
  g_assert_true (ui_wait_until (card_done, &id, 10000));
  g_assert_cmpint (tern_ui_message_card_get_state (card), ==, TERN_UI_MESSAGE_CARD_SHOWN);
  g_assert_nonnull (find_widget (GTK_WIDGET (card), GTK_TYPE_TEXT_VIEW, NULL));
  g_signal_handler_disconnect (view, handler);
}

/* ---- a collapsed message expanded ------------------------------------------------------- */

/* The text body of an expanded card has room for its text, after the expansion
 * settled: at least one line's height, and text in its buffer. */
static void
assert_text_body_shown (TernUiMessageCard *card, const char *expected)
{
  GPtrArray *bodies = _tern_ui_message_card_get_text_bodies (card);
  GtkWidget *body;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  g_autofree char *text = NULL;
  g_autoptr(PangoLayout) line = NULL;
  int line_height = 0;

  g_assert_cmpint (tern_ui_message_card_get_state (card), ==, TERN_UI_MESSAGE_CARD_SHOWN);
  g_assert_cmpuint (bodies->len, ==, 1);
  body = g_ptr_array_index (bodies, 0);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (body));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_nonnull (strstr (text, expected));
  g_assert_true (gtk_widget_get_mapped (body));
  line = gtk_widget_create_pango_layout (body, "Xy");
  pango_layout_get_pixel_size (line, NULL, &line_height);
  g_assert_cmpint (line_height, >, 0);
  g_test_message ("text body: %d×%d, a line %d high", gtk_widget_get_width (body), gtk_widget_get_height (body),
                  line_height);
  g_assert_cmpint (gtk_widget_get_height (body), >=, line_height);
  g_assert_cmpint (gtk_widget_get_width (body), >, 0);
}

static gboolean
fetch_body_cb (gpointer data)
{
  gint64 id = *(gint64 *) data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreDb) db = tern_store_db_open (tern_store_get_path (store), &error);
  const char *text = g_object_get_data (G_OBJECT (view), "test-raw");
  g_autoptr(GBytes) raw = g_bytes_new (text, strlen (text));

  g_assert_no_error (error);
  g_assert_true (tern_store_db_set_raw (db, id, raw, &error));
  g_assert_no_error (error);
  tern_ui_message_view_body_fetched (view, id, NULL);
  return G_SOURCE_REMOVE;
}

/* As the window does: the body comes from the server a moment later. */
static void
fetch_later_cb (TernUiMessageView *v, gint64 id, gpointer data)
{
  static gint64 fetched;

  fetched = id;
  g_timeout_add (150, fetch_body_cb, &fetched);
}

/* Messages created collapsed and expanded by the user show their text: one
 * stored, one whose body is fetched when it is expanded. */
static void
test_expand_collapsed (void)
{
  static const char stored[] =
    "From: Grace Hopper <grace@example.org>\r\nTo: team@example.org\r\nSubject: Expand me\r\n"
    "Date: Mon, 08 Jan 2024 09:00:00 +0000\r\nMessage-ID: <e1@example.org>\r\n\r\n"
    "A stored body, shown when the message is expanded.\r\nIts second line.\r\n";
  static const char fetched[] =
    "From: Alan Turing <alan@example.org>\r\nTo: team@example.org\r\nSubject: Re: Expand me\r\n"
    "Date: Mon, 08 Jan 2024 10:00:00 +0000\r\nMessage-ID: <e2@example.org>\r\nIn-Reply-To: <e1@example.org>\r\n"
    "References: <e1@example.org>\r\n\r\nA fetched body, shown when the message is expanded.\r\n";
  static const char newest[] =
    "From: Grace Hopper <grace@example.org>\r\nTo: team@example.org\r\nSubject: Re: Expand me\r\n"
    "Date: Mon, 08 Jan 2024 11:00:00 +0000\r\nMessage-ID: <e3@example.org>\r\nIn-Reply-To: <e2@example.org>\r\n"
    "References: <e1@example.org> <e2@example.org>\r\n\r\nThe newest, expanded from the start.\r\n";
  gint64 ids[3];
  g_autoptr(TernStoreMessage) row = NULL;
  TernUiMessageCard *card;
  gulong handler;

  ids[0] = add_message (stored, TERN_STORE_FLAG_SEEN);
  ids[1] = add_message_full (fetched, TERN_STORE_FLAG_SEEN, TRUE);
  ids[2] = add_message (newest, TERN_STORE_FLAG_SEEN);
  row = get_row (ids[2]);
  g_object_set_data (G_OBJECT (view), "test-raw", (gpointer) fetched);
  handler = g_signal_connect (view, "need-body", G_CALLBACK (fetch_later_cb), NULL);

  tern_ui_message_view_show_thread (view, tern_store_message_get_thread_id (row), ids[2]);
  g_assert_true (ui_wait_until (conversation_shown, NULL, 20000));
  g_assert_cmpint (tern_ui_message_card_get_message_id (tern_ui_message_view_get_card (view, 1)), ==, ids[1]);
  g_assert_false (tern_ui_message_card_get_expanded (tern_ui_message_view_get_card (view, 0)));
  g_assert_false (tern_ui_message_card_get_expanded (tern_ui_message_view_get_card (view, 1)));
  ui_settle (200);
  assert_text_body_shown (tern_ui_message_view_get_card (view, 2), "The newest");

  /* stored: expanded with a click of its line */
  card = tern_ui_message_view_get_card (view, 0);
  g_signal_emit_by_name (find_widget (GTK_WIDGET (card), GTK_TYPE_BUTTON, NULL), "clicked");
  g_assert_true (ui_wait_until (card_done, &ids[0], 10000));
  ui_settle (300);
  assert_text_body_shown (card, "A stored body");
  screenshot ("reader-expanded-stored.png");

  /* fetched: only the header stored, the body asked for and fetched meanwhile */
  card = tern_ui_message_view_get_card (view, 1);
  g_assert_false (tern_store_message_get_has_body (tern_ui_message_card_get_message (card)));
  tern_ui_message_card_set_expanded (card, TRUE);
  g_assert_true (ui_wait_until (card_done, &ids[1], 10000));
  ui_settle (300);
  assert_text_body_shown (card, "A fetched body");
  screenshot ("reader-expanded-fetched.png");

  g_signal_handler_disconnect (view, handler);
  g_object_set_data (G_OBJECT (view), "test-raw", NULL);
}

/* ---- attachments, source, zoom ------------------------------------------------------- */

static GFile *launched;

static void
launch_hook (GFile *file, gpointer data)
{
  g_set_object (&launched, file);
}

static gboolean
launched_cb (gpointer data)
{
  return launched != NULL;
}

static void
saved_all_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) error = NULL;

  *(guint *) data = tern_ui_attachment_save_all_to_finish (result, &error);
  g_assert_no_error (error);
}

static gboolean
nonzero (gpointer data)
{
  return *(guint *) data != 0;
}

static const char attachment_message[] =
  "From: Files <files@example.org>\r\nSubject: Two files\r\nDate: Sun, 07 Jan 2024 10:00:00 +0000\r\n"
  "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=mix\r\n\r\n"
  "--mix\r\nContent-Type: text/plain\r\n\r\nTwo files attached.\x01\r\n"
  "--mix\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"report.pdf\"\r\n"
  "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n"
  "--mix\r\nContent-Type: text/csv\r\nContent-Disposition: attachment; filename=\"../../data.csv\"\r\n\r\na,b\r\n1,2\r\n"
  "--mix--\r\n";

static void
test_attachments (void)
{
  gint64 id = add_message (attachment_message, TERN_STORE_FLAG_SEEN);
  TernUiMessageCard *card = show_one (id);
  GPtrArray *parts = tern_mime_message_get_attachments (tern_ui_message_card_get_mime (card));
  g_autofree char *folder = g_build_filename (home, "saved", NULL);
  g_autoptr(GFile) folder_file = g_file_new_for_path (folder);
  GStatBuf st;
  guint saved = 0;

  g_assert_cmpuint (parts->len, ==, 2);
  g_assert_nonnull (find_widget (GTK_WIDGET (card), GTK_TYPE_LABEL, "2 Attachments"));
  g_assert_nonnull (find_widget (GTK_WIDGET (card), GTK_TYPE_LABEL, "report.pdf"));
  g_assert_nonnull (find_widget (GTK_WIDGET (card), GTK_TYPE_LABEL, "data.csv"));
  g_assert_nonnull (find_widget (GTK_WIDGET (card), GTK_TYPE_BUTTON, "Save _All…"));

  /* Open: a private copy */
  _tern_ui_reader_set_launch_hook (launch_hook, NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "card.open-attachment", "u", 0));
  g_assert_true (ui_wait_until (launched_cb, NULL, 5000));
  {
    g_autofree char *path = g_file_get_path (launched);
    g_autofree char *dir = g_path_get_dirname (path);
    g_autofree char *cache = g_build_filename (g_get_user_cache_dir (), "tern", "attachments", NULL);
    g_autofree char *contents = NULL;
    gsize len;

    g_assert_true (g_str_has_prefix (path, cache));
    g_assert_true (g_str_has_suffix (path, "/report.pdf"));
    g_assert_cmpint (g_stat (path, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
    g_assert_cmpint (g_stat (dir, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0700);
    g_assert_cmpint (g_stat (cache, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0700);
    g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
    g_assert_cmpmem (contents, len, "%PDF-1.4\n", 9);
  }
  _tern_ui_reader_set_launch_hook (NULL, NULL);
  g_clear_object (&launched);

  /* Save All: twice, nothing overwritten */
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  tern_ui_attachment_save_all_to_async (parts, folder_file, NULL, saved_all_cb, &saved);
  g_assert_true (ui_wait_until (nonzero, &saved, 5000));
  g_assert_cmpuint (saved, ==, 2);
  saved = 0;
  tern_ui_attachment_save_all_to_async (parts, folder_file, NULL, saved_all_cb, &saved);
  g_assert_true (ui_wait_until (nonzero, &saved, 5000));
  for (guint i = 0; i < 4; i++)
    {
      static const char * const names[] = { "report.pdf", "data.csv", "report (2).pdf", "data (2).csv" };
      g_autofree char *path = g_build_filename (folder, names[i], NULL);

      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    }
}

static gboolean
source_ready (gpointer data)
{
  return tern_ui_source_window_get_ready (data);
}

static void
test_view_source (void)
{
  gint64 id = add_message (attachment_message, TERN_STORE_FLAG_SEEN);
  TernUiMessageCard *card = show_one (id);
  TernUiSourceWindow *source = NULL;
  GList *before = gtk_window_list_toplevels ();
  GList *after;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "reader.view-source", NULL));
  after = gtk_window_list_toplevels ();
  for (GList *l = after; l != NULL; l = l->next)
    if (TERN_UI_IS_SOURCE_WINDOW (l->data) && g_list_find (before, l->data) == NULL)
      source = l->data;
  g_list_free (before);
  g_list_free (after);
  g_assert_nonnull (source);
  g_assert_true (ui_wait_until (source_ready, source, 5000));
  buffer = gtk_text_view_get_buffer (tern_ui_source_window_get_view (source));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_nonnull (strstr (text, "Subject: Two files\n"));
  g_assert_nonnull (strstr (text, "Two files attached.\xe2\x90\x81\n"));   /* U+2401 for \x01 */
  g_assert_false (gtk_text_view_get_editable (tern_ui_source_window_get_view (source)));
  gtk_window_destroy (GTK_WINDOW (source));
}

static void
test_zoom (void)
{
  g_autofree char *text = remote_message ("Zoom <zoom@example.org>");
  gint64 id = add_message (text, TERN_STORE_FLAG_SEEN);
  TernUiMessageCard *card = show_one (id);
  TernUiHtmlBody *body = g_ptr_array_index (_tern_ui_message_card_get_html_bodies (card), 0);
  WebKitWebView *web = WEBKIT_WEB_VIEW (tern_ui_html_body_get_web_view (body));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "reader.zoom-in", NULL));
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (settings, "reader-zoom"), 1.1, 0.001);
  g_assert_cmpfloat_with_epsilon (webkit_web_view_get_zoom_level (web), 1.1, 0.001);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "reader.zoom-out", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "reader.zoom-out", NULL));
  g_assert_cmpfloat_with_epsilon (webkit_web_view_get_zoom_level (web), 0.9, 0.001);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "reader.zoom-reset", NULL));
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (settings, "reader-zoom"), 1.0, 0.001);
  for (int i = 0; i < 30; i++)
    gtk_widget_activate_action (GTK_WIDGET (view), "reader.zoom-in", NULL);
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (settings, "reader-zoom"), 2.0, 0.001);
  g_settings_reset (settings, "reader-zoom");
}

/* ---- dark mode ----------------------------------------------------------------------------- */

static void
test_dark (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  gint64 plain, html;
  g_autofree char *text = remote_message ("News <news@example.com>");

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  plain = add_message (plain_message, TERN_STORE_FLAG_SEEN);
  html = add_message (text, 0);
  {
    gint64 ids[2] = { plain, html };

    tern_ui_message_view_show_message_ids (view, ids, 2, plain);
    g_assert_true (ui_wait_until (card_done, &plain, 20000));
    g_assert_true (ui_wait_until (card_done, &html, 20000));
  }
  g_assert_true (adw_style_manager_get_dark (style));
  screenshot ("reader-dark.png");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

/* ---- accessibility and the keyboard ---------------------------------------------------------- */

static gboolean
has_text_child (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && *gtk_label_get_text (GTK_LABEL (widget)) != '\0')
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (has_text_child (c))
      return TRUE;
  return FALSE;
}

static void
collect_controls (GtkWidget *root, GPtrArray *out)
{
  if (!gtk_widget_get_mapped (root))
    return;
  if (GTK_IS_BUTTON (root) || GTK_IS_MENU_BUTTON (root))
    {
      /* a GtkMenuButton's inner button is its own */
      if (!(GTK_IS_BUTTON (root) && GTK_IS_MENU_BUTTON (gtk_widget_get_parent (root))))
        g_ptr_array_add (out, root);
    }
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect_controls (c, out);
}

static void
test_accessibility (void)
{
  gint64 ids[3];
  g_autoptr(GPtrArray) controls = g_ptr_array_new ();
  g_autofree char *remote = remote_message ("News <news@example.com>");
  GHashTable *reached = g_hash_table_new (NULL, NULL);
  GtkWidget *first_focus = NULL;

  ids[0] = add_message (plain_message, 0);
  ids[1] = add_message (attachment_message, 0);
  ids[2] = add_message (remote, 0);
  tern_ui_message_view_show_message_ids (view, ids, 3, ids[0]);
  for (guint i = 0; i < 3; i++)
    g_assert_true (ui_wait_until (card_done, &ids[i], 20000));
  ui_settle (200);

  collect_controls (GTK_WIDGET (view), controls);
  g_assert_cmpuint (controls->len, >=, 12);
  for (guint i = 0; i < controls->len; i++)
    {
      GtkWidget *w = g_ptr_array_index (controls, i);
      gboolean named = gtk_test_accessible_has_property (GTK_ACCESSIBLE (w), GTK_ACCESSIBLE_PROPERTY_LABEL) ||
                       has_text_child (w);

      if (!named)
        g_error ("a %s in the reader has no accessible name", G_OBJECT_TYPE_NAME (w));
      gtk_test_accessible_assert_role (GTK_ACCESSIBLE (w), GTK_ACCESSIBLE_ROLE_BUTTON);
    }
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (find_widget (GTK_WIDGET (view), GTK_TYPE_MENU_BUTTON, NULL)),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Ada Lovelace, ada@example.org");

  /* Tab reaches every control */
  gtk_widget_grab_focus (GTK_WIDGET (view));
  for (guint i = 0; i < 400; i++)
    {
      GtkWidget *focus;

      gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD);
      focus = gtk_root_get_focus (GTK_ROOT (window));
      if (focus == NULL)
        continue;
      if (focus == first_focus)
        break;
      if (first_focus == NULL)
        first_focus = focus;
      for (GtkWidget *w = focus; w != NULL; w = gtk_widget_get_parent (w))
        g_hash_table_add (reached, w);
    }
  for (guint i = 0; i < controls->len; i++)
    {
      GtkWidget *w = g_ptr_array_index (controls, i);

      if (!g_hash_table_contains (reached, w))
        g_error ("Tab never reaches the %s “%s” in the reader", G_OBJECT_TYPE_NAME (w),
                 gtk_widget_get_tooltip_text (w) ? gtk_widget_get_tooltip_text (w) : "");
    }
  g_hash_table_unref (reached);

  /* Page Down scrolls the conversation */
  {
    GtkScrolledWindow *scrolled = GTK_SCROLLED_WINDOW (find_widget (GTK_WIDGET (view), GTK_TYPE_SCROLLED_WINDOW, NULL));
    GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (scrolled);

    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (view));
    GtkEventController *keys = NULL;
    gboolean handled = FALSE;
    double before;

    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);

        if (GTK_IS_EVENT_CONTROLLER_KEY (c))
          keys = c;
      }
    g_assert_nonnull (keys);
    gtk_adjustment_set_value (adj, 0);
    g_assert_cmpfloat (gtk_adjustment_get_upper (adj), >, gtk_adjustment_get_page_size (adj));
    /* with the focus in a body (not on a button, where Space presses it) */
    gtk_widget_grab_focus (GTK_WIDGET (g_ptr_array_index (_tern_ui_message_card_get_text_bodies (tern_ui_message_view_get_card (view, 0)), 0)));
    g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Page_Down, 0, 0, &handled);
    g_assert_true (handled);
    g_assert_cmpfloat (gtk_adjustment_get_value (adj), >, 0);
    gtk_adjustment_set_value (adj, 0);
    g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_space, 0, 0, &handled);
    g_assert_true (handled);
    before = gtk_adjustment_get_value (adj);
    g_assert_cmpfloat (before, >, 0);
    g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_space, 0, GDK_SHIFT_MASK, &handled);
    g_assert_cmpfloat (gtk_adjustment_get_value (adj), <, before);
    g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_End, 0, GDK_CONTROL_MASK, &handled);
    g_assert_cmpfloat (gtk_adjustment_get_value (adj), ==, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
    g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Home, 0, GDK_CONTROL_MASK, &handled);
    g_assert_cmpfloat (gtk_adjustment_get_value (adj), ==, 0);
    /* Space on a button is the button's */
    gtk_widget_grab_focus (find_widget (GTK_WIDGET (view), GTK_TYPE_MENU_BUTTON, NULL));
    g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_space, 0, 0, &handled);
    g_assert_false (handled);
  }
}

/* ---- the mouse wheel over an HTML body scrolls the conversation (real X events) ---- */

static gboolean
adjustment_moved (gpointer data)
{
  return gtk_adjustment_get_value (data) > 0;
}

static void
test_wheel_over_html (void)
{
  GString *text = g_string_new ("From: Long <long@example.org>\r\nSubject: A long HTML message\r\n"
                                "Content-Type: text/html; charset=utf-8\r\n\r\n<html><body>");
  GtkScrolledWindow *scrolled;
  GtkAdjustment *adj;
  TernUiMessageCard *card;
  GtkWidget *web;
  graphene_point_t point;
  g_autofree char *command = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;
  int status;

  for (int i = 0; i < 80; i++)
    g_string_append_printf (text, "<p>Paragraph %d of a long message that needs scrolling.</p>", i);
  g_string_append (text, "</body></html>\r\n");
  id = add_message (text->str, TERN_STORE_FLAG_SEEN);
  g_string_free (text, TRUE);
  card = show_one (id);
  web = tern_ui_html_body_get_web_view (g_ptr_array_index (_tern_ui_message_card_get_html_bodies (card), 0));
  scrolled = GTK_SCROLLED_WINDOW (find_widget (GTK_WIDGET (view), GTK_TYPE_SCROLLED_WINDOW, NULL));
  adj = gtk_scrolled_window_get_vadjustment (scrolled);
  gtk_adjustment_set_value (adj, 0);
  ui_settle (200);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adj), >, gtk_adjustment_get_page_size (adj) + 200);

  /* a point inside the web view, in the window */
  g_assert_true (gtk_widget_compute_point (web, GTK_WIDGET (window), &GRAPHENE_POINT_INIT (100, 100), &point));
  g_assert_cmpfloat (point.y, <, gtk_widget_get_height (GTK_WIDGET (window)));
  command = g_strdup_printf ("xdotool search --sync --name \"Tern Reader Test\" "
                             "mousemove --window %%1 %d %d click --repeat 5 --delay 30 5",
                             (int) point.x, (int) point.y);
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (ui_wait_until (adjustment_moved, adj, 5000));
}

/* ---- without the HTML viewer's library --------------------------------------------------------- */

#define NO_HTML_MODULE "/nonexistent/tern/libtern-html.so"

static const char alternative_message[] =
  "From: Ada <ada@example.org>\r\n"
  "To: reader@example.org\r\n"
  "Subject: Both kinds\r\n"
  "Date: Wed, 03 Jan 2024 10:00:00 +0000\r\n"
  "MIME-Version: 1.0\r\n"
  "Content-Type: multipart/alternative; boundary=\"b1\"\r\n"
  "\r\n"
  "--b1\r\n"
  "Content-Type: text/plain; charset=utf-8\r\n"
  "\r\n"
  "The plain part, as the sender wrote it.\r\n"
  "--b1\r\n"
  "Content-Type: text/html; charset=utf-8\r\n"
  "\r\n"
  "<html><body><p>The <b>HTML</b> part.</p></body></html>\r\n"
  "--b1--\r\n";

static char *
card_text (TernUiMessageCard *card)
{
  GPtrArray *bodies = _tern_ui_message_card_get_text_bodies (card);
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < bodies->len; i++)
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (g_ptr_array_index (bodies, i));
      GtkTextIter start, end;
      g_autofree char *part = NULL;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      part = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
      g_string_append (text, part);
    }
  return g_string_free (text, FALSE);
}

/* In a process whose $TERN_HTML_MODULE names no file (main()): the loader warned once. */
static void
html_as_text_in_subprocess (void)
{
  g_autofree char *html = remote_message ("News <news@example.com>");
  g_autofree char *text = NULL;
  g_autofree char *plain = NULL;
  g_autoptr(GError) error = NULL;
  TernUiMessageCard *card;

  card = show_one (add_message (html, TERN_STORE_FLAG_SEEN));
  g_test_assert_expected_messages ();
  g_assert_false (tern_ui_html_loader_load (&error));
  g_assert_error (error, TERN_UI_HTML_LOADER_ERROR, TERN_UI_HTML_LOADER_ERROR_OPEN);
  g_assert_true (tern_ui_html_loader_get_failed ());

  /* HTML only: reduced to text, no remote content to allow */
  g_assert_cmpint (tern_ui_message_card_get_state (card), ==, TERN_UI_MESSAGE_CARD_SHOWN);
  g_assert_cmpuint (_tern_ui_message_card_get_html_bodies (card)->len, ==, 0);
  text = card_text (card);
  g_assert_nonnull (strstr (text, "News"));
  g_assert_nonnull (strstr (text, "An image from the web:"));
  g_assert_null (strstr (text, "<h1>"));
  g_assert_false (tern_ui_message_card_get_remote_blocked (card));
  g_assert_nonnull (find_widget (GTK_WIDGET (view), GTK_TYPE_LABEL,
                                 "HTML messages are shown as plain text: the HTML viewer could not be loaded"));
  ui_settle (500);
  g_assert_cmpuint (http_count (NULL), ==, 0);

  /* text and HTML: the sender's plain text */
  card = show_one (add_message (alternative_message, TERN_STORE_FLAG_SEEN));
  g_assert_cmpuint (_tern_ui_message_card_get_html_bodies (card)->len, ==, 0);
  plain = card_text (card);
  g_assert_nonnull (strstr (plain, "The plain part, as the sender wrote it."));
  g_assert_null (strstr (plain, "HTML part"));
  screenshot ("reader-html-as-text.png");
}

static void
test_html_as_text (void)
{
  if (g_test_subprocess ())
    {
      html_as_text_in_subprocess ();
      return;
    }
  g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, 0);
  g_test_trap_assert_passed ();
}

/* ---- the corpus ------------------------------------------------------------------------------- */

static void
collect_files (const char *dir, GPtrArray *out)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        collect_files (path, out);
      else if (!g_str_has_suffix (name, ".tnef") && !g_str_has_suffix (name, ".list") &&
               !g_str_equal (name, "PROVENANCE.md") && !g_str_has_suffix (name, "-summary.txt"))
        g_ptr_array_add (out, g_steal_pointer (&path));
    }
}

static gboolean
batch_done (gpointer data)
{
  GArray *ids = data;

  for (guint i = 0; i < ids->len; i++)
    if (!card_done (&g_array_index (ids, gint64, i)))
      return FALSE;
  return TRUE;
}

static void
test_corpus (void)
{
  const char *corpus = g_getenv ("TERN_CORPUS_DIR");
  g_autofree char *messages_dir = NULL;
  g_autofree char *mbox_dir = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreDb) db = NULL;
  guint n_html = 0, n_text = 0, n_attachments = 0;
  gint64 start = g_get_monotonic_time ();
  const guint batch = 8;
  guint requests_before = http_count (NULL);

  if (corpus == NULL || !g_file_test (corpus, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("the shared corpus is absent (TERN_CORPUS_DIR)");
      return;
    }
  messages_dir = g_build_filename (corpus, "messages", NULL);
  mbox_dir = g_build_filename (corpus, "mbox", NULL);
  collect_files (messages_dir, files);
  g_assert_cmpuint (files->len, >, 100);

  db = tern_store_db_open (tern_store_get_path (store), &error);
  g_assert_no_error (error);
  g_assert_true (tern_store_db_begin (db, &error));
  for (guint i = 0; i < files->len; i++)
    {
      g_autofree char *data = NULL;
      gsize len;
      g_autoptr(GBytes) raw = NULL;
      TernStoreDbNewMessage m = { 0 };
      gint64 id;

      g_assert_true (g_file_get_contents (g_ptr_array_index (files, i), &data, &len, NULL));
      raw = g_bytes_new_take (g_steal_pointer (&data), len);
      m.folder_id = 1;
      m.raw = raw;
      m.flags = 0;   /* unread: a batch shown together is expanded */
      id = tern_store_db_add_message (db, &m, NULL, &error);
      g_assert_no_error (error);
      g_array_append_val (ids, id);
    }
  {
    g_autoptr(GPtrArray) mboxes = g_ptr_array_new_with_free_func (g_free);

    collect_files (mbox_dir, mboxes);
    for (guint i = 0; i < mboxes->len; i++)
      {
        g_autoptr(TernMimeMboxReader) reader = tern_mime_mbox_reader_new (g_ptr_array_index (mboxes, i), &error);
        GByteArray *message = NULL;

        g_assert_no_error (error);
        while (tern_mime_mbox_reader_next (reader, &message, NULL, NULL, &error))
          {
            g_autoptr(GBytes) raw = g_byte_array_free_to_bytes (message);
            TernStoreDbNewMessage m = { 0 };
            gint64 id;

            m.folder_id = 1;
            m.raw = raw;
            id = tern_store_db_add_message (db, &m, NULL, &error);
            g_assert_no_error (error);
            g_array_append_val (ids, id);
          }
        g_assert_no_error (error);
      }
  }
  g_assert_true (tern_store_db_commit (db, &error));
  g_test_message ("corpus: %u messages stored in %.1f s", ids->len, (g_get_monotonic_time () - start) / 1e6);

  /* Never mark them read, and let no link or remote load out. */
  g_settings_set_double (settings, "mark-read-delay", -1);
  for (guint i = 0; i < ids->len; i += batch)
    {
      g_autoptr(GArray) some = g_array_new (FALSE, FALSE, sizeof (gint64));

      g_array_append_vals (some, &g_array_index (ids, gint64, i), MIN (batch, ids->len - i));
      tern_ui_message_view_show_message_ids (view, (gint64 *) (void *) some->data, some->len, g_array_index (some, gint64, 0));
      if (!ui_wait_until (batch_done, some, 60000))
        g_error ("corpus messages %u to %u were not shown within a minute", i, i + some->len - 1);
      for (guint j = 0; j < some->len; j++)
        {
          TernUiMessageCard *card = tern_ui_message_view_find_card (view, g_array_index (some, gint64, j));
          TernMimeMessage *mime = tern_ui_message_card_get_mime (card);

          g_assert_true (tern_ui_message_card_get_expanded (card));
          g_assert_cmpint (tern_ui_message_card_get_state (card), ==, TERN_UI_MESSAGE_CARD_SHOWN);
          g_assert_nonnull (mime);
          n_html += _tern_ui_message_card_get_html_bodies (card)->len;
          n_text += _tern_ui_message_card_get_text_bodies (card)->len;
          n_attachments += tern_mime_message_get_attachments (mime)->len;
        }
    }
  g_settings_reset (settings, "mark-read-delay");
  g_assert_cmpuint (http_count (NULL), ==, requests_before);
  g_test_message ("corpus: %u messages shown (%u HTML bodies, %u text bodies, %u attachments) in %.1f s",
                  ids->len, n_html, n_text, n_attachments, (g_get_monotonic_time () - start) / 1e6);
}

/* ---- setup ------------------------------------------------------------------------------------ */

static void
compose_to_cb (GSimpleAction *action, GVariant *param, gpointer data)
{
  g_free (composed_to);
  composed_to = g_variant_dup_string (param, NULL);
}

/* WebKit says once, with a g_warning(), that it renders without GL: the ui tests
 * switch GL off (GDK_DEBUG=gl-disable). That is no failure: let it say so with
 * warnings not fatal, once, before the tests; every later warning is fatal. */
static void
warm_up_webkit (void)
{
  GLogLevelFlags fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  GtkWidget *w = gtk_window_new ();
  GtkWidget *web = webkit_web_view_new ();

  gtk_window_set_child (GTK_WINDOW (w), web);
  gtk_window_present (GTK_WINDOW (w));
  webkit_web_view_load_html (WEBKIT_WEB_VIEW (web), "<p>warm</p>", "about:blank");
  ui_settle (500);
  gtk_window_destroy (GTK_WINDOW (w));
  ui_settle (50);
  g_log_set_always_fatal (fatal);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int argc, char **argv)
{
  static const char * const vars[] = { "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME" };
  static const GActionEntry entries[] = { { "compose-to", compose_to_cb, "s", NULL, NULL, { 0 } } };
  g_autoptr(GError) error = NULL;
  g_autofree char *store_path = NULL;
  gboolean corpus = FALSE;
  int ret;

  home = g_dir_make_tmp ("tern-reader-test-XXXXXX", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
    {
      g_autofree char *dir = g_build_filename (home, vars[i], NULL);

      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      g_setenv (vars[i], dir, TRUE);
    }

  gtk_test_init (&argc, &argv, NULL);
  ui_watchdog_start ();
  /* --corpus: only every message of the shared corpus (a test of its own) */
  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--corpus"))
      corpus = TRUE;
  /* g_test_init() names the program by its full path; WebKit's sandbox makes
   * folders from the name (the "mediakeys" bind mount) and fails on a path. */
  g_set_prgname ("test-reader");
  adw_init ();
  tern_engine_init ();
  warm_up_webkit ();
  /* /ui/reader/html-as-text: the library is missing, the reader says so once (the
   * window's prepare may be first to try it, before the test) */
  if (g_test_subprocess ())
    {
      g_setenv (TERN_UI_HTML_LOADER_ENV, NO_HTML_MODULE, TRUE);
      g_test_expect_message ("TernUi", G_LOG_LEVEL_WARNING,
                             "HTML messages are shown as text: could not load the HTML viewer: *" NO_HTML_MODULE "*");
    }
  http_start ();
  marked_read = g_array_new (FALSE, FALSE, sizeof (gint64));
  need_body = g_array_new (FALSE, FALSE, sizeof (gint64));

  store_path = g_build_filename (home, "XDG_DATA_HOME", "tern", "store.db", NULL);
  store = tern_store_new_sync (store_path, NULL, &error);
  g_assert_no_error (error);
  settings = g_settings_new (APP_ID);

  window = GTK_WINDOW (adw_window_new ());
  gtk_window_set_title (window, "Tern Reader Test");
  gtk_window_set_default_size (window, 860, 720);
  win_actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (win_actions), entries, G_N_ELEMENTS (entries), NULL);
  gtk_widget_insert_action_group (GTK_WIDGET (window), "win", G_ACTION_GROUP (win_actions));
  view = tern_ui_message_view_new (store);
  g_signal_connect (view, "activate-link", G_CALLBACK (activate_link_cb), NULL);
  g_signal_connect (view, "mark-read", G_CALLBACK (mark_read_cb), NULL);
  adw_window_set_content (ADW_WINDOW (window), GTK_WIDGET (view));
  gtk_window_present (window);
  ui_settle (200);

  if (corpus)
    g_test_add_func ("/ui/reader/corpus", test_corpus);
  else
    {
      g_test_add_func ("/ui/reader/plain-text", test_plain_text);
      g_test_add_func ("/ui/reader/address-actions", test_address_actions);
      g_test_add_func ("/ui/reader/remote-content", test_remote_content);
      g_test_add_func ("/ui/reader/html-links", test_html_links);
      g_test_add_func ("/ui/reader/cid-image", test_cid_image);
      g_test_add_func ("/ui/reader/conversation", test_conversation);
      g_test_add_func ("/ui/reader/mark-read", test_mark_read_settings);
      g_test_add_func ("/ui/reader/need-body", test_need_body);
      g_test_add_func ("/ui/reader/expand-collapsed", test_expand_collapsed);
      g_test_add_func ("/ui/reader/attachments", test_attachments);
      g_test_add_func ("/ui/reader/view-source", test_view_source);
      g_test_add_func ("/ui/reader/zoom", test_zoom);
      g_test_add_func ("/ui/reader/dark", test_dark);
      g_test_add_func ("/ui/reader/accessibility", test_accessibility);
      g_test_add_func ("/ui/reader/wheel-over-html", test_wheel_over_html);
      g_test_add_func ("/ui/reader/html-as-text", test_html_as_text);
    }

  ret = g_test_run ();

  gtk_window_destroy (window);
  ui_settle (100);
  g_socket_service_stop (G_SOCKET_SERVICE (http));
  g_clear_object (&http);
  g_clear_object (&win_actions);
  g_clear_object (&settings);
  g_clear_object (&store);
  g_clear_pointer (&http_requests, g_ptr_array_unref);
  g_clear_pointer (&marked_read, g_array_unref);
  g_clear_pointer (&need_body, g_array_unref);
  g_clear_pointer (&clicked_uri, g_free);
  g_clear_pointer (&composed_to, g_free);
  remove_tree (home);
  g_free (home);
  return ret;
}
