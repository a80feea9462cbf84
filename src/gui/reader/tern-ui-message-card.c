/* tern-ui-message-card.c: one message of a conversation: header, body, attachments
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Collapsed, a card is one line (sender, preview, date) made from the store's row.
 * Expanded, it shows the header with the addresses as buttons, and the body, which
 * it reads and parses on a store worker thread (or is given by the view, which
 * reads the first messages of a conversation in the same trip as their rows).
 * When the store has only the header it asks for the body with ::need-body and
 * shows a spinner; the caller answers with tern_ui_message_card_reload() or
 * tern_ui_message_card_set_fetch_error().
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <adwaita.h>

#include "tern-mime-text.h"
#include "tern-ui-attachments.h"
#include "tern-ui-html-loader.h"
#include "tern-ui-message-card.h"
#include "tern-ui-reader-private.h"
#include "tern-ui-source-window.h"
#include "tern-ui-text-body.h"
#include "tern-ui-wrap-layout.h"

/* The remote content that allowing it shows: frames and objects never load, and
 * media do not play (tern-ui-web-shared.c). */
#define SHOWABLE_REMOTE (TERN_MIME_REMOTE_IMAGES | TERN_MIME_REMOTE_STYLES | TERN_MIME_REMOTE_FONTS)

/* Recipients shown before a "N more" button. */
#define MAX_SHOWN_RECIPIENTS 12

struct _TernUiMessageCard
{
  GtkWidget               parent_instance;

  TernStore              *store;
  GSettings              *settings;
  TernStoreMessage       *message;
  TernUiReaderContent    *content;
  GCancellable           *cancellable;
  TernUiMessageCardState  state;
  gboolean                expanded;
  gboolean                unread;
  gboolean                body_shown;
  gboolean                remote_ok;
  gboolean                fetch_asked;  /* the caller said the body was fetched */
  double                  zoom;
  guint                   n_html_pending;
  gulong                  after_paint_id;
  guint                   paint_tick;
  GdkFrameClock          *frame_clock;
  GPtrArray              *html_bodies;   /* TernUiHtmlBody (tern-ui-html-loader.c), not owned */
  GPtrArray              *text_bodies;   /* TernUiTextBody, not owned */

  /* template */
  GtkWidget              *box;
  GtkButton              *summary_button;
  GtkLabel               *summary_from;
  GtkLabel               *summary_preview;
  GtkLabel               *summary_date;
  GtkWidget              *header_box;
  GtkBox                 *from_box;
  GtkLabel               *date_label;
  GtkMenuButton          *menu_button;
  GtkLabel               *subject_label;
  GtkWidget              *to_row;
  GtkBox                 *to_box;
  GtkWidget              *cc_row;
  GtkBox                 *cc_box;
  GtkRevealer            *remote_revealer;
  GtkLabel               *remote_label;
  GtkWidget              *remote_always_button;
  GtkStack               *body_stack;
  GtkSpinner             *spinner;
  GtkLabel               *loading_label;
  GtkImage               *error_icon;
  GtkLabel               *error_label;
  GtkBox                 *body_box;
  GtkWidget              *attachments_box;
  GtkLabel               *attachments_label;
  GtkWidget              *save_all_button;
  GtkListBox             *attachment_list;
};

G_DEFINE_FINAL_TYPE (TernUiMessageCard, tern_ui_message_card, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_EXPANDED,
  PROP_STATE,
  N_PROPS
};

enum {
  NEED_BODY,
  BODY_SHOWN,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void start_load (TernUiMessageCard *self);

/* ---- formatting ---------------------------------------------------------------------- */

static char *
format_date (GDateTime *date, gboolean full)
{
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *text = NULL;

  if (date == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (date);
  now = g_date_time_new_now_local ();
  if (full)
    /* Translators: a message's date and time in its header; see g_date_time_format() */
    text = g_date_time_format (local, _("%e %B %Y, %H:%M"));
  else if (g_date_time_get_year (local) == g_date_time_get_year (now) &&
           g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now))
    /* Translators: the time of a message received today; see g_date_time_format() */
    text = g_date_time_format (local, _("%H:%M"));
  else if (g_date_time_get_year (local) == g_date_time_get_year (now))
    /* Translators: the date of a message received this year; see g_date_time_format() */
    text = g_date_time_format (local, _("%e %b"));
  else
    /* Translators: the date of an older message; see g_date_time_format() */
    text = g_date_time_format (local, _("%e %b %Y"));
  return text != NULL ? g_strstrip (g_steal_pointer (&text)) : g_strdup ("");
}

static char *
address_display (const TernMimeAddress *a)
{
  if (a->name != NULL && *a->name != '\0')
    return g_strdup (a->name);
  if (a->address != NULL && *a->address != '\0')
    return g_strdup (a->address);
  return g_strdup (_("(unknown)"));
}

/* ---- addresses ------------------------------------------------------------------------ */

static GtkWidget *
address_button_new (const TernMimeAddress *a)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenuItem) copy = NULL;
  g_autoptr(GMenuItem) compose = NULL;
  g_autofree char *label = address_display (a);
  g_autofree char *full = tern_mime_address_to_string (a);
  g_autofree char *accessible = NULL;
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *child = gtk_label_new (label);

  copy = g_menu_item_new (_("_Copy Address"), NULL);
  g_menu_item_set_action_and_target_value (copy, "card.copy-address", g_variant_new_string (a->address));
  g_menu_append_item (menu, copy);
  compose = g_menu_item_new (_("_New Message To"), NULL);
  g_menu_item_set_action_and_target_value (compose, "win.compose-to", g_variant_new_string (full));
  g_menu_append_item (menu, compose);

  gtk_label_set_ellipsize (GTK_LABEL (child), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (child), 40);
  gtk_menu_button_set_child (GTK_MENU_BUTTON (button), child);
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
  gtk_widget_set_tooltip_text (button, full);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "address-button");
  if (a->name != NULL && *a->name != '\0')
    /* Translators: the accessible name of an address button: name, then address */
    accessible = g_strdup_printf (_("%s, %s"), a->name, a->address);
  else
    accessible = g_strdup (label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  return button;
}

static void
more_clicked_cb (GtkButton *button,
                 GPtrArray *rest)
{
  GtkBox *box = GTK_BOX (gtk_widget_get_parent (GTK_WIDGET (button)));

  for (guint i = 0; i < rest->len; i++)
    gtk_box_append (box, address_button_new (g_ptr_array_index (rest, i)));
  gtk_box_remove (box, GTK_WIDGET (button));
}

static void
free_rest (gpointer data, GClosure *closure)
{
  g_ptr_array_unref (data);
}

static void
fill_addresses (GtkBox *box, GtkWidget *row, GPtrArray *addrs)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
  gtk_widget_set_visible (row, addrs->len > 0);
  for (guint i = 0; i < addrs->len && i < MAX_SHOWN_RECIPIENTS; i++)
    gtk_box_append (box, address_button_new (g_ptr_array_index (addrs, i)));
  if (addrs->len > MAX_SHOWN_RECIPIENTS)
    {
      GPtrArray *rest = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_mime_address_free);
      g_autofree char *label = NULL;
      GtkWidget *more;

      for (guint i = MAX_SHOWN_RECIPIENTS; i < addrs->len; i++)
        g_ptr_array_add (rest, tern_mime_address_copy (g_ptr_array_index (addrs, i)));
      label = g_strdup_printf (ngettext ("%u more", "%u more", rest->len), rest->len);
      more = gtk_button_new_with_label (label);
      gtk_widget_add_css_class (more, "flat");
      gtk_widget_add_css_class (more, "address-more");
      g_signal_connect_data (more, "clicked", G_CALLBACK (more_clicked_cb), rest, free_rest, 0);
      gtk_box_append (box, more);
    }
}

static void
fill_header (TernUiMessageCard *self)
{
  TernStoreMessage *m = self->message;
  g_autoptr(GPtrArray) from = tern_mime_address_list_parse (tern_store_message_get_from (m));
  g_autoptr(GDateTime) date = tern_store_message_dup_date_time (m);
  g_autofree char *full_date = format_date (date, TRUE);
  g_autofree char *short_date = format_date (date, FALSE);
  GString *senders = g_string_new (NULL);
  const char *subject = tern_store_message_get_subject (m);
  const char *preview = tern_store_message_get_preview (m);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->from_box))) != NULL)
    gtk_box_remove (self->from_box, child);
  for (guint i = 0; i < from->len; i++)
    {
      g_autofree char *name = address_display (g_ptr_array_index (from, i));
      GtkWidget *button = address_button_new (g_ptr_array_index (from, i));

      gtk_widget_add_css_class (button, "sender");
      gtk_box_append (self->from_box, button);
      if (senders->len > 0)
        g_string_append (senders, ", ");
      g_string_append (senders, name);
    }
  if (from->len == 0)
    {
      GtkWidget *label = gtk_label_new (_("(no sender)"));

      gtk_widget_add_css_class (label, "dim-label");
      gtk_box_append (self->from_box, label);
      g_string_append (senders, _("(no sender)"));
    }

  gtk_label_set_text (self->summary_from, senders->str);
  {
    /* Translators: the accessible name of a message in a conversation */
    g_autofree char *name = g_strdup_printf (_("Message from %s, %s"), senders->str, full_date);

    gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
    /* The collapsed line's button: its labels do not name it (GTK 4.8). */
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->summary_button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  }
  gtk_label_set_text (self->summary_preview, preview != NULL ? preview : "");
  gtk_label_set_text (self->summary_date, short_date);
  gtk_label_set_text (self->date_label, full_date);
  gtk_label_set_text (self->subject_label, subject != NULL && *subject != '\0' ? subject : _("(no subject)"));
  {
    g_autoptr(GPtrArray) to = tern_mime_address_list_parse (tern_store_message_get_to (m));
    g_autoptr(GPtrArray) cc = tern_mime_address_list_parse (tern_store_message_get_cc (m));

    fill_addresses (self->to_box, self->to_row, to);
    fill_addresses (self->cc_box, self->cc_row, cc);
  }
  g_string_free (senders, TRUE);
}

/* The parsed message knows better than the store's row when its headers were
 * raw 8-bit text (tern_mime_message_new()). */
static void
fill_header_from_mime (TernUiMessageCard *self, TernMimeMessage *mime)
{
  GPtrArray *from = tern_mime_message_get_from (mime);
  const char *subject = tern_mime_message_get_subject (mime);
  GtkWidget *child;

  if (subject != NULL && *subject != '\0')
    gtk_label_set_text (self->subject_label, subject);
  if (from->len > 0)
    {
      while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->from_box))) != NULL)
        gtk_box_remove (self->from_box, child);
      for (guint i = 0; i < from->len; i++)
        {
          GtkWidget *button = address_button_new (g_ptr_array_index (from, i));

          gtk_widget_add_css_class (button, "sender");
          gtk_box_append (self->from_box, button);
        }
    }
  fill_addresses (self->to_box, self->to_row, tern_mime_message_get_to (mime));
  fill_addresses (self->cc_box, self->cc_row, tern_mime_message_get_cc (mime));
}

/* ---- state ------------------------------------------------------------------------------ */

static void
set_state (TernUiMessageCard *self, TernUiMessageCardState state)
{
  if (self->state == state)
    return;
  self->state = state;
  gtk_spinner_set_spinning (self->spinner, state == TERN_UI_MESSAGE_CARD_LOADING ||
                                           state == TERN_UI_MESSAGE_CARD_FETCHING);
  switch (state)
    {
    case TERN_UI_MESSAGE_CARD_LOADING:
      gtk_label_set_text (self->loading_label, _("Loading…"));
      gtk_stack_set_visible_child_name (self->body_stack, "loading");
      break;
    case TERN_UI_MESSAGE_CARD_FETCHING:
      gtk_label_set_text (self->loading_label, _("Downloading the message…"));
      gtk_stack_set_visible_child_name (self->body_stack, "loading");
      break;
    case TERN_UI_MESSAGE_CARD_ERROR:
      gtk_stack_set_visible_child_name (self->body_stack, "error");
      break;
    case TERN_UI_MESSAGE_CARD_SHOWN:
      gtk_stack_set_visible_child_name (self->body_stack, "body");
      break;
    case TERN_UI_MESSAGE_CARD_COLLAPSED:
    default:
      break;
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
show_error (TernUiMessageCard *self, const char *text, const char *icon)
{
  gtk_label_set_text (self->error_label, text);
  gtk_image_set_from_icon_name (self->error_icon, icon);
  set_state (self, TERN_UI_MESSAGE_CARD_ERROR);
}

/* The banner about blocked remote content. Hidden, not only folded away: a folded
 * revealer still asks for its child's width, which kept the window from narrowing. */
static void
show_remote_banner (TernUiMessageCard *self, gboolean show)
{
  if (show)
    gtk_widget_set_visible (GTK_WIDGET (self->remote_revealer), TRUE);
  gtk_revealer_set_reveal_child (self->remote_revealer, show);
  if (!show)
    gtk_widget_set_visible (GTK_WIDGET (self->remote_revealer), FALSE);
}

static void
update_expanded (TernUiMessageCard *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->summary_button), !self->expanded);
  gtk_widget_set_visible (self->header_box, self->expanded);
  gtk_widget_set_visible (GTK_WIDGET (self->body_stack), self->expanded);
  gtk_widget_set_visible (self->attachments_box, self->expanded && self->content != NULL &&
                          tern_mime_message_get_attachments (self->content->mime)->len > 0);
  show_remote_banner (self, self->expanded && tern_ui_message_card_get_remote_blocked (self));
  if (self->expanded)
    gtk_widget_remove_css_class (self->box, "collapsed");
  else
    gtk_widget_add_css_class (self->box, "collapsed");
}

/* ---- painted ------------------------------------------------------------------------- */

static void
body_shown (TernUiMessageCard *self)
{
  if (self->body_shown)
    return;
  self->body_shown = TRUE;
  g_signal_emit (self, signals[BODY_SHOWN], 0);
}

static void
after_paint_cb (GdkFrameClock     *clock,
                TernUiMessageCard *self)
{
  g_clear_signal_handler (&self->after_paint_id, clock);
  g_clear_object (&self->frame_clock);
  if (self->n_html_pending == 0)
    body_shown (self);
}

static void
html_painted_cb (GtkWidget         *body,
                 TernUiMessageCard *self)
{
  if (self->n_html_pending > 0 && --self->n_html_pending == 0 && self->after_paint_id == 0)
    body_shown (self);
}

/* The frame being drawn now: after it is painted, the body is shown. */
static gboolean
paint_tick_cb (GtkWidget     *widget,
               GdkFrameClock *clock,
               gpointer       user_data)
{
  TernUiMessageCard *self = TERN_UI_MESSAGE_CARD (widget);

  self->paint_tick = 0;
  if (self->after_paint_id == 0)
    {
      self->frame_clock = g_object_ref (clock);
      self->after_paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), self);
    }
  return G_SOURCE_REMOVE;
}

static void
wait_for_paint (TernUiMessageCard *self)
{
  if (self->paint_tick != 0 || self->after_paint_id != 0)
    return;
  /* A tick callback also waits for the card to be realized. */
  self->paint_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), paint_tick_cb, NULL, NULL);
}

/* ---- remote content --------------------------------------------------------------- */

static const char *
sender_address (TernUiMessageCard *self)
{
  GPtrArray *from;

  if (self->content == NULL)
    return NULL;
  from = tern_mime_message_get_from (self->content->mime);
  if (from->len == 0)
    return NULL;
  return ((TernMimeAddress *) g_ptr_array_index (from, 0))->address;
}

static gboolean
sender_is_trusted (TernUiMessageCard *self)
{
  g_auto(GStrv) senders = g_settings_get_strv (self->settings, "remote-content-senders");
  const char *address = sender_address (self);
  g_autofree char *lower = NULL;

  if (address == NULL || *address == '\0')
    return FALSE;
  lower = g_utf8_strdown (address, -1);
  return g_strv_contains ((const char * const *) senders, lower);
}

/**
 * tern_ui_message_card_get_remote_blocked:
 *
 * Returns: whether the message asks for remote content that is blocked and the
 *   user may allow (the bar is shown)
 */
gboolean
tern_ui_message_card_get_remote_blocked (TernUiMessageCard *self)
{
  g_autofree char *policy = NULL;

  g_return_val_if_fail (TERN_UI_IS_MESSAGE_CARD (self), FALSE);

  /* No HTML body (HTML shown as text, without the library): nothing would load. */
  if (self->content == NULL || self->html_bodies->len == 0 ||
      (self->content->remote & SHOWABLE_REMOTE) == 0 || self->remote_ok)
    return FALSE;
  policy = g_settings_get_string (self->settings, "show-remote-images");
  return g_strcmp0 (policy, "never") != 0;
}

static gboolean
remote_allowed_by_settings (TernUiMessageCard *self)
{
  g_autofree char *policy = g_settings_get_string (self->settings, "show-remote-images");

  if (g_strcmp0 (policy, "always") == 0)
    return TRUE;
  if (g_strcmp0 (policy, "never") == 0)
    return FALSE;
  return sender_is_trusted (self);
}

static void
update_remote_banner (TernUiMessageCard *self)
{
  TernMimeRemoteKinds kinds = self->content != NULL ? self->content->remote & SHOWABLE_REMOTE : TERN_MIME_REMOTE_NONE;
  const char *sender = sender_address (self);

  if (kinds == TERN_MIME_REMOTE_IMAGES)
    gtk_label_set_text (self->remote_label, _("Remote images were blocked to protect your privacy."));
  else
    gtk_label_set_text (self->remote_label, _("Remote content was blocked to protect your privacy."));
  gtk_widget_set_visible (self->remote_always_button, sender != NULL && *sender != '\0');
  show_remote_banner (self, self->expanded && tern_ui_message_card_get_remote_blocked (self));
}

/**
 * tern_ui_message_card_show_remote_content:
 * @always: also for every later message of this sender (remembered in the
 *   `remote-content-senders` setting)
 *
 * Loads the message's remote content: "Show Once" and "Always for This Sender".
 * Tracking images stay blocked.
 */
void
tern_ui_message_card_show_remote_content (TernUiMessageCard *self, gboolean always)
{
  g_return_if_fail (TERN_UI_IS_MESSAGE_CARD (self));

  if (always && sender_address (self) != NULL)
    {
      g_auto(GStrv) senders = g_settings_get_strv (self->settings, "remote-content-senders");
      g_autofree char *lower = g_utf8_strdown (sender_address (self), -1);

      if (!g_strv_contains ((const char * const *) senders, lower))
        {
          g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
          g_auto(GStrv) updated = NULL;

          g_strv_builder_addv (builder, (const char **) senders);
          g_strv_builder_add (builder, lower);
          updated = g_strv_builder_end (builder);
          g_settings_set_strv (self->settings, "remote-content-senders", (const char * const *) updated);
        }
    }
  self->remote_ok = TRUE;
  for (guint i = 0; i < self->html_bodies->len; i++)
    tern_ui_html_loader_set_remote_allowed (g_ptr_array_index (self->html_bodies, i), TRUE);
  update_remote_banner (self);
}

/* ---- the body ---------------------------------------------------------------------- */

static void
clear_body (TernUiMessageCard *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->body_box))) != NULL)
    gtk_box_remove (self->body_box, child);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->attachment_list))) != NULL)
    gtk_list_box_remove (self->attachment_list, child);
  g_ptr_array_set_size (self->html_bodies, 0);
  g_ptr_array_set_size (self->text_bodies, 0);
  self->n_html_pending = 0;
}

static void
add_text (TernUiMessageCard *self, const char *text, gboolean notice)
{
  GtkWidget *body = tern_ui_text_body_new (text, notice);

  tern_ui_text_body_set_zoom (TERN_UI_TEXT_BODY (body), self->zoom);
  g_ptr_array_add (self->text_bodies, body);
  gtk_box_append (self->body_box, body);
}

/* Without the HTML viewer (its library could not be loaded): the HTML as text. */
static void
add_html_as_text (TernUiMessageCard *self, const char *html)
{
  static gboolean told;
  g_autofree char *text = tern_mime_text_html_to_text (html, strlen (html));

  if (!told)
    {
      told = TRUE;
      _tern_ui_reader_toast (GTK_WIDGET (self), _("HTML messages are shown as plain text: the HTML viewer could not be loaded"));
    }
  add_text (self, text, FALSE);
}

void
_tern_ui_message_card_set_content (TernUiMessageCard *self, TernUiReaderContent *content)
{
  GPtrArray *bodies;
  GPtrArray *attachments;

  g_return_if_fail (TERN_UI_IS_MESSAGE_CARD (self));
  g_return_if_fail (content != NULL);

  clear_body (self);
  g_clear_pointer (&self->content, _tern_ui_reader_content_free);
  self->content = content;
  self->body_shown = FALSE;
  fill_header_from_mime (self, content->mime);
  self->remote_ok = self->remote_ok || remote_allowed_by_settings (self);

  bodies = tern_mime_message_get_bodies (content->mime);
  for (guint i = 0; i < bodies->len; i++)
    {
      TernMimeBody *body = g_ptr_array_index (bodies, i);
      const char *html = g_ptr_array_index (content->html, i);

      GtkWidget *view = NULL;

      if (body->kind == TERN_MIME_BODY_HTML && html != NULL &&
          (view = tern_ui_html_loader_new_body (content->mime, html, self->remote_ok)) != NULL)
        {
          tern_ui_html_loader_set_zoom (view, self->zoom);
          g_signal_connect_object (view, "painted", G_CALLBACK (html_painted_cb), self, 0);
          g_ptr_array_add (self->html_bodies, view);
          self->n_html_pending++;
          gtk_box_append (self->body_box, view);
        }
      else if (body->kind == TERN_MIME_BODY_HTML)
        add_html_as_text (self, body->text);
      else
        add_text (self, body->text, body->kind == TERN_MIME_BODY_NOTICE);
      if (body->truncated)
        add_text (self, _("This message is too long to show in full. View Source shows all of it."), TRUE);
    }
  if (bodies->len == 0)
    add_text (self, _("This message has no text."), TRUE);

  attachments = tern_mime_message_get_attachments (content->mime);
  if (attachments->len > 0)
    {
      g_autofree char *label = g_strdup_printf (ngettext ("%u Attachment", "%u Attachments", attachments->len),
                                                attachments->len);

      gtk_label_set_text (self->attachments_label, label);
      gtk_widget_set_visible (self->save_all_button, attachments->len > 1);
      for (guint i = 0; i < attachments->len; i++)
        gtk_list_box_append (self->attachment_list,
                             tern_ui_attachment_row_new (g_ptr_array_index (attachments, i), i));
    }

  set_state (self, TERN_UI_MESSAGE_CARD_SHOWN);
  update_remote_banner (self);
  update_expanded (self);
  wait_for_paint (self);
}

/* ---- loading -------------------------------------------------------------------------- */

typedef struct
{
  gint64   id;
  gboolean prefer_plain;
} LoadData;

static gpointer
load_work (TernStoreDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  LoadData *d = data;

  return _tern_ui_reader_content_load (db, d->id, d->prefer_plain, error);
}

static void
need_body (TernUiMessageCard *self)
{
  set_state (self, TERN_UI_MESSAGE_CARD_FETCHING);
  g_signal_emit (self, signals[NEED_BODY], 0);
}

static void
load_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TernUiMessageCard) self = user_data;
  g_autoptr(GError) error = NULL;
  TernUiReaderContent *content;

  content = tern_store_run_finish (TERN_STORE (source), result, &error);
  if (content != NULL)
    {
      _tern_ui_message_card_set_content (self, content);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (g_error_matches (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND) && !self->fetch_asked)
    {
      need_body (self);
      return;
    }
  if (g_error_matches (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND))
    show_error (self, _("The message could not be downloaded."), "dialog-warning-symbolic");
  else
    {
      g_autofree char *text = g_strdup_printf (_("The message could not be read: %s"), error->message);

      show_error (self, text, "dialog-warning-symbolic");
    }
}

static void
start_load (TernUiMessageCard *self)
{
  LoadData *data;

  if (self->store == NULL)
    {
      show_error (self, _("The message could not be read."), "dialog-warning-symbolic");
      return;
    }
  if (!tern_store_message_get_has_body (self->message) && !self->fetch_asked)
    {
      need_body (self);
      return;
    }

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_state (self, TERN_UI_MESSAGE_CARD_LOADING);

  data = g_new0 (LoadData, 1);
  data->id = tern_store_message_get_id (self->message);
  /* Without the HTML viewer, the plain text alternative rather than HTML as text. */
  data->prefer_plain = g_settings_get_boolean (self->settings, "prefer-plain-text") ||
                       tern_ui_html_loader_get_failed ();
  tern_store_run_async (self->store, load_work, data, g_free,
                        (GDestroyNotify) _tern_ui_reader_content_free,
                        self->cancellable, load_done_cb, g_object_ref (self));
}

/**
 * tern_ui_message_card_reload:
 *
 * Reads the message from the store again: after its body was fetched.
 */
void
tern_ui_message_card_reload (TernUiMessageCard *self)
{
  g_return_if_fail (TERN_UI_IS_MESSAGE_CARD (self));

  self->fetch_asked = TRUE;
  if (self->expanded)
    start_load (self);
  else
    set_state (self, TERN_UI_MESSAGE_CARD_COLLAPSED);
}

/**
 * tern_ui_message_card_set_fetch_error:
 * @error: why the body could not be fetched
 *
 * Says so in words, with a Retry button.
 */
void
tern_ui_message_card_set_fetch_error (TernUiMessageCard *self, const GError *error)
{
  GNetworkMonitor *monitor = g_network_monitor_get_default ();
  gboolean offline;

  g_return_if_fail (TERN_UI_IS_MESSAGE_CARD (self));
  g_return_if_fail (error != NULL);

  offline = !g_network_monitor_get_network_available (monitor) ||
            g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
            g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
            g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
            g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ||
            g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED) ||
            error->domain == G_RESOLVER_ERROR;
  if (offline)
    show_error (self, _("This message is not downloaded yet, and the mail server cannot be reached. "
                        "Check your connection and try again."),
                "network-offline-symbolic");
  else
    {
      g_autofree char *text = g_strdup_printf (_("The message could not be downloaded: %s"), error->message);

      show_error (self, text, "dialog-warning-symbolic");
    }
}

/* ---- actions -------------------------------------------------------------------------- */

static void
toggle_action_cb (GtkWidget *widget, const char *name, GVariant *param)
{
  TernUiMessageCard *self = TERN_UI_MESSAGE_CARD (widget);

  tern_ui_message_card_set_expanded (self, !self->expanded);
  if (self->expanded)
    gtk_widget_grab_focus (GTK_WIDGET (self->menu_button));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->summary_button));
}

static void
copy_address_action_cb (GtkWidget *widget, const char *name, GVariant *param)
{
  const char *address = g_variant_get_string (param, NULL);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), address);
  _tern_ui_reader_toast (widget, _("Address copied"));
}

static void
view_source_action_cb (GtkWidget *widget, const char *name, GVariant *param)
{
  tern_ui_message_card_view_source (TERN_UI_MESSAGE_CARD (widget));
}

static void
show_remote_once_action_cb (GtkWidget *widget, const char *name, GVariant *param)
{
  tern_ui_message_card_show_remote_content (TERN_UI_MESSAGE_CARD (widget), FALSE);
}

static void
show_remote_always_action_cb (GtkWidget *widget, const char *name, GVariant *param)
{
  tern_ui_message_card_show_remote_content (TERN_UI_MESSAGE_CARD (widget), TRUE);
}

static void
retry_action_cb (GtkWidget *widget, const char *name, GVariant *param)
{
  TernUiMessageCard *self = TERN_UI_MESSAGE_CARD (widget);

  self->fetch_asked = FALSE;
  start_load (self);
}

static TernMimePart *
attachment_at (TernUiMessageCard *self, GVariant *param)
{
  GPtrArray *attachments;
  guint i = g_variant_get_uint32 (param);

  if (self->content == NULL)
    return NULL;
  attachments = tern_mime_message_get_attachments (self->content->mime);
  return i < attachments->len ? g_ptr_array_index (attachments, i) : NULL;
}

static void
open_attachment_action_cb (GtkWidget *widget, const char *name, GVariant *param)
{
  TernMimePart *part = attachment_at (TERN_UI_MESSAGE_CARD (widget), param);

  if (part != NULL)
    tern_ui_attachment_open (widget, part);
}

static void
save_attachment_action_cb (GtkWidget *widget, const char *name, GVariant *param)
{
  TernMimePart *part = attachment_at (TERN_UI_MESSAGE_CARD (widget), param);

  if (part != NULL)
    tern_ui_attachment_save (widget, part);
}

static void
save_all_action_cb (GtkWidget *widget, const char *name, GVariant *param)
{
  TernUiMessageCard *self = TERN_UI_MESSAGE_CARD (widget);

  if (self->content != NULL)
    tern_ui_attachment_save_all (widget, tern_mime_message_get_attachments (self->content->mime));
}

static void
raw_loaded_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(TernUiMessageCard) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = tern_store_get_raw_finish (TERN_STORE (source), result, &error);

  if (raw == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _tern_ui_reader_toast (GTK_WIDGET (self), _("The message’s source is not downloaded yet"));
      return;
    }
  tern_ui_source_window_present (GTK_WIDGET (self), tern_store_message_get_subject (self->message), raw);
}

/**
 * tern_ui_message_card_view_source:
 *
 * Opens a window with the raw message (View Source).
 */
void
tern_ui_message_card_view_source (TernUiMessageCard *self)
{
  g_return_if_fail (TERN_UI_IS_MESSAGE_CARD (self));

  if (self->content != NULL)
    tern_ui_source_window_present (GTK_WIDGET (self), tern_store_message_get_subject (self->message),
                                   tern_mime_message_get_raw (self->content->mime));
  else if (self->store != NULL)
    tern_store_get_raw_async (self->store, tern_store_message_get_id (self->message), self->cancellable,
                              raw_loaded_cb, g_object_ref (self));
}

/* Clicking the expanded header (not one of its buttons) collapses the message. */
static void
header_released_cb (GtkGestureClick   *gesture,
                    int                n_press,
                    double             x,
                    double             y,
                    TernUiMessageCard *self)
{
  GtkWidget *target = gtk_widget_pick (self->header_box, x, y, GTK_PICK_DEFAULT);

  if (n_press != 1)
    return;
  for (GtkWidget *w = target; w != NULL && w != self->header_box; w = gtk_widget_get_parent (w))
    if (GTK_IS_BUTTON (w) || GTK_IS_MENU_BUTTON (w) || (GTK_IS_LABEL (w) && gtk_label_get_selectable (GTK_LABEL (w))))
      return;
  tern_ui_message_card_set_expanded (self, FALSE);
}

/* ---- API ------------------------------------------------------------------------------ */

/**
 * tern_ui_message_card_new:
 * @store: (nullable): where the message's body is read from
 * @settings: the application's settings (remote content, prefer plain text)
 * @message: the message's row
 *
 * Returns: (transfer floating): a collapsed card
 */
TernUiMessageCard *
tern_ui_message_card_new (TernStore        *store,
                          GSettings        *settings,
                          TernStoreMessage *message)
{
  TernUiMessageCard *self;

  g_return_val_if_fail (store == NULL || TERN_IS_STORE (store), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (TERN_IS_STORE_MESSAGE (message), NULL);

  self = g_object_new (TERN_UI_TYPE_MESSAGE_CARD, NULL);
  self->store = store != NULL ? g_object_ref (store) : NULL;
  self->settings = g_object_ref (settings);
  self->message = g_object_ref (message);
  self->unread = !(tern_store_message_get_flags (message) & TERN_STORE_FLAG_SEEN);
  if (self->unread)
    gtk_widget_add_css_class (self->box, "unread");
  fill_header (self);
  update_expanded (self);
  return self;
}

TernStoreMessage *
tern_ui_message_card_get_message (TernUiMessageCard *self)
{
  g_return_val_if_fail (TERN_UI_IS_MESSAGE_CARD (self), NULL);
  return self->message;
}

gint64
tern_ui_message_card_get_message_id (TernUiMessageCard *self)
{
  g_return_val_if_fail (TERN_UI_IS_MESSAGE_CARD (self), 0);
  return tern_store_message_get_id (self->message);
}

gboolean
tern_ui_message_card_get_expanded (TernUiMessageCard *self)
{
  g_return_val_if_fail (TERN_UI_IS_MESSAGE_CARD (self), FALSE);
  return self->expanded;
}

/**
 * tern_ui_message_card_set_expanded:
 *
 * Expands the card (reading its body the first time) or collapses it to one line.
 */
void
tern_ui_message_card_set_expanded (TernUiMessageCard *self, gboolean expanded)
{
  g_return_if_fail (TERN_UI_IS_MESSAGE_CARD (self));

  expanded = !!expanded;
  if (self->expanded == expanded)
    return;
  self->expanded = expanded;
  update_expanded (self);
  if (expanded && self->content == NULL && self->state != TERN_UI_MESSAGE_CARD_LOADING &&
      self->state != TERN_UI_MESSAGE_CARD_FETCHING)
    start_load (self);
  else if (expanded && self->content != NULL)
    wait_for_paint (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXPANDED]);
}

gboolean
tern_ui_message_card_get_unread (TernUiMessageCard *self)
{
  g_return_val_if_fail (TERN_UI_IS_MESSAGE_CARD (self), FALSE);
  return self->unread;
}

/**
 * tern_ui_message_card_set_unread:
 *
 * How the card shows the message: the caller changes the store.
 */
void
tern_ui_message_card_set_unread (TernUiMessageCard *self, gboolean unread)
{
  g_return_if_fail (TERN_UI_IS_MESSAGE_CARD (self));

  self->unread = !!unread;
  if (self->unread)
    gtk_widget_add_css_class (self->box, "unread");
  else
    gtk_widget_remove_css_class (self->box, "unread");
}

TernUiMessageCardState
tern_ui_message_card_get_state (TernUiMessageCard *self)
{
  g_return_val_if_fail (TERN_UI_IS_MESSAGE_CARD (self), TERN_UI_MESSAGE_CARD_COLLAPSED);
  return self->state;
}

/**
 * tern_ui_message_card_get_body_shown:
 *
 * Returns: whether the body has been painted (for HTML: laid out by the web
 *   process and the frame after it painted)
 */
gboolean
tern_ui_message_card_get_body_shown (TernUiMessageCard *self)
{
  g_return_val_if_fail (TERN_UI_IS_MESSAGE_CARD (self), FALSE);
  return self->body_shown;
}

/**
 * tern_ui_message_card_get_mime:
 *
 * Returns: (transfer none) (nullable): the parsed message, once read
 */
TernMimeMessage *
tern_ui_message_card_get_mime (TernUiMessageCard *self)
{
  g_return_val_if_fail (TERN_UI_IS_MESSAGE_CARD (self), NULL);
  return self->content != NULL ? self->content->mime : NULL;
}

void
tern_ui_message_card_set_zoom (TernUiMessageCard *self, double zoom)
{
  g_return_if_fail (TERN_UI_IS_MESSAGE_CARD (self));

  self->zoom = zoom;
  for (guint i = 0; i < self->html_bodies->len; i++)
    tern_ui_html_loader_set_zoom (g_ptr_array_index (self->html_bodies, i), zoom);
  for (guint i = 0; i < self->text_bodies->len; i++)
    tern_ui_text_body_set_zoom (g_ptr_array_index (self->text_bodies, i), zoom);
}

GPtrArray *
_tern_ui_message_card_get_html_bodies (TernUiMessageCard *self)
{
  return self->html_bodies;
}

GPtrArray *
_tern_ui_message_card_get_text_bodies (TernUiMessageCard *self)
{
  return self->text_bodies;
}

/* ---- GObject -------------------------------------------------------------------------- */

static void
tern_ui_message_card_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  TernUiMessageCard *self = TERN_UI_MESSAGE_CARD (object);

  switch (prop_id)
    {
    case PROP_EXPANDED:
      g_value_set_boolean (value, self->expanded);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tern_ui_message_card_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  TernUiMessageCard *self = TERN_UI_MESSAGE_CARD (object);

  switch (prop_id)
    {
    case PROP_EXPANDED:
      tern_ui_message_card_set_expanded (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tern_ui_message_card_dispose (GObject *object)
{
  TernUiMessageCard *self = TERN_UI_MESSAGE_CARD (object);

  g_cancellable_cancel (self->cancellable);
  if (self->paint_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->paint_tick);
  self->paint_tick = 0;
  if (self->frame_clock != NULL)
    g_clear_signal_handler (&self->after_paint_id, self->frame_clock);
  g_clear_object (&self->frame_clock);
  if (self->html_bodies != NULL)
    g_ptr_array_set_size (self->html_bodies, 0);
  if (self->text_bodies != NULL)
    g_ptr_array_set_size (self->text_bodies, 0);
  gtk_widget_dispose_template (GTK_WIDGET (self), TERN_UI_TYPE_MESSAGE_CARD);
  G_OBJECT_CLASS (tern_ui_message_card_parent_class)->dispose (object);
}

static void
tern_ui_message_card_finalize (GObject *object)
{
  TernUiMessageCard *self = TERN_UI_MESSAGE_CARD (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_object (&self->message);
  g_clear_pointer (&self->content, _tern_ui_reader_content_free);
  g_ptr_array_unref (self->html_bodies);
  g_ptr_array_unref (self->text_bodies);
  G_OBJECT_CLASS (tern_ui_message_card_parent_class)->finalize (object);
}

static void
tern_ui_message_card_class_init (TernUiMessageCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = tern_ui_message_card_get_property;
  object_class->set_property = tern_ui_message_card_set_property;
  object_class->dispose = tern_ui_message_card_dispose;
  object_class->finalize = tern_ui_message_card_finalize;

  properties[PROP_EXPANDED] =
    g_param_spec_boolean ("expanded", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, TERN_UI_MESSAGE_CARD_COLLAPSED, TERN_UI_MESSAGE_CARD_SHOWN,
                      TERN_UI_MESSAGE_CARD_COLLAPSED, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TernUiMessageCard::need-body:
   *
   * Only the header is stored: the body must be fetched. The view passes it on.
   */
  signals[NEED_BODY] = g_signal_new ("need-body", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * TernUiMessageCard::body-shown:
   *
   * The body has been painted.
   */
  signals[BODY_SHOWN] = g_signal_new ("body-shown", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "messagecard");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/tern-ui-message-card.ui");
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageCard, box);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageCard, summary_button);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageCard, summary_from);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageCard, summary_preview);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageCard, summary_date);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageCard, header_box);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageCard, from_box);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageCard, date_label);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageCard, menu_button);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageCard, subject_label);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageCard, to_row);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageCard, to_box);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageCard, cc_row);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageCard, cc_box);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageCard, remote_revealer);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageCard, remote_label);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageCard, remote_always_button);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageCard, body_stack);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageCard, spinner);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageCard, loading_label);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageCard, error_icon);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageCard, error_label);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageCard, body_box);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageCard, attachments_box);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageCard, attachments_label);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageCard, save_all_button);
  gtk_widget_class_bind_template_child (widget_class, TernUiMessageCard, attachment_list);

  gtk_widget_class_install_action (widget_class, "card.toggle", NULL, toggle_action_cb);
  gtk_widget_class_install_action (widget_class, "card.copy-address", "s", copy_address_action_cb);
  gtk_widget_class_install_action (widget_class, "card.view-source", NULL, view_source_action_cb);
  gtk_widget_class_install_action (widget_class, "card.show-remote-once", NULL, show_remote_once_action_cb);
  gtk_widget_class_install_action (widget_class, "card.show-remote-always", NULL, show_remote_always_action_cb);
  gtk_widget_class_install_action (widget_class, "card.retry", NULL, retry_action_cb);
  gtk_widget_class_install_action (widget_class, "card.open-attachment", "u", open_attachment_action_cb);
  gtk_widget_class_install_action (widget_class, "card.save-attachment", "u", save_attachment_action_cb);
  gtk_widget_class_install_action (widget_class, "card.save-all", NULL, save_all_action_cb);
}

static void
tern_ui_message_card_init (TernUiMessageCard *self)
{
  GtkGesture *click;

  _tern_ui_reader_ensure_style ();
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_layout_manager (GTK_WIDGET (self->from_box), tern_ui_wrap_layout_new (2, 0));
  gtk_widget_set_layout_manager (GTK_WIDGET (self->to_box), tern_ui_wrap_layout_new (2, 0));
  gtk_widget_set_layout_manager (GTK_WIDGET (self->cc_box), tern_ui_wrap_layout_new (2, 0));
  self->zoom = 1.0;
  self->html_bodies = g_ptr_array_new ();
  self->text_bodies = g_ptr_array_new ();

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "released", G_CALLBACK (header_released_cb), self);
  gtk_widget_add_controller (self->header_box, GTK_EVENT_CONTROLLER (click));
}
