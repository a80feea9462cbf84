/* tern-ui-text-body.c: a plain text message body: quote levels, links
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A read-only GtkTextView that the conversation's scrolled window scrolls (it has
 * no scrolling of its own). Quote marks are not shown as text: each quote level
 * indents the line and draws a coloured bar beside it (snapshot_layer), and quoted
 * text is dimmed. Links (http, https, ftp, mailto) are underlined and open on a
 * click; the signature after "-- " is dimmed.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <adwaita.h>

#include "tern-mime-flowed.h"
#include "tern-ui-reader-private.h"
#include "tern-ui-text-body.h"

#define MAX_QUOTE_TAGS 8
#define QUOTE_STEP     14   /* px per quote level */
#define BAR_WIDTH      3

typedef struct
{
  int   first_line;
  int   last_line;
  guint depth;
} QuoteRange;

typedef struct
{
  int   start;  /* char offsets */
  int   end;
  char *uri;
} Link;

struct _TernUiTextBody
{
  GtkTextView  parent_instance;

  GArray      *quotes;       /* QuoteRange, in line order */
  GArray      *links;        /* Link, in offset order */
  GtkTextTag  *quote_tags[MAX_QUOTE_TAGS + 1];
  GtkTextTag  *link_tag;
  GtkTextTag  *dim_tag;
  GtkTextTag  *notice_tag;
  GtkTextTag  *zoom_tag;
  gboolean     hovering_link;
  const char  *hovered_uri;  /* a Link's uri */
  guint        resize_tick;
  int          resized_for;  /* the height last asked for after an allocation */
  guint        resize_ticks;  /* frames the resize tick has run */
  guint        resize_steady; /* frames in a row with the height its text needs */
};

G_DEFINE_FINAL_TYPE (TernUiTextBody, tern_ui_text_body, GTK_TYPE_TEXT_VIEW)

static const GdkRGBA bar_colors[] = {
  { 0.208, 0.518, 0.894, 1.0 },   /* blue 3 */
  { 0.180, 0.761, 0.494, 1.0 },   /* green 4 */
  { 1.000, 0.471, 0.000, 1.0 },   /* orange 3 */
  { 0.569, 0.255, 0.675, 1.0 },   /* purple 3 */
  { 0.878, 0.106, 0.141, 1.0 },   /* red 3 */
};

static void
link_clear (Link *link)
{
  g_free (link->uri);
}

static void
update_colors (TernUiTextBody *self)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  gboolean dark = adw_style_manager_get_dark (style);
  GdkRGBA dim = dark ? (GdkRGBA) { 1, 1, 1, 0.68 } : (GdkRGBA) { 0, 0, 0, 0.62 };
  GdkRGBA link = dark ? (GdkRGBA) { 0.471, 0.682, 0.929, 1 }   /* blue 2 */
                      : (GdkRGBA) { 0.110, 0.443, 0.847, 1 };  /* blue 4 */

  for (guint i = 1; i <= MAX_QUOTE_TAGS; i++)
    g_object_set (self->quote_tags[i], "foreground-rgba", &dim, NULL);
  g_object_set (self->dim_tag, "foreground-rgba", &dim, NULL);
  g_object_set (self->notice_tag, "foreground-rgba", &dim, NULL);
  g_object_set (self->link_tag, "foreground-rgba", &link, NULL);
}

static void
dark_changed_cb (TernUiTextBody *self)
{
  update_colors (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
tern_ui_text_body_snapshot_layer (GtkTextView      *view,
                                  GtkTextViewLayer  layer,
                                  GtkSnapshot      *snapshot)
{
  TernUiTextBody *self = TERN_UI_TEXT_BODY (view);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GdkRectangle visible;

  if (layer != GTK_TEXT_VIEW_LAYER_BELOW_TEXT || self->quotes->len == 0)
    return;

  gtk_text_view_get_visible_rect (view, &visible);
  for (guint i = 0; i < self->quotes->len; i++)
    {
      QuoteRange *q = &g_array_index (self->quotes, QuoteRange, i);
      GtkTextIter first, last;
      int y_first, h_first, y_last, h_last;

      gtk_text_buffer_get_iter_at_line (buffer, &first, q->first_line);
      gtk_text_buffer_get_iter_at_line (buffer, &last, q->last_line);
      gtk_text_view_get_line_yrange (view, &first, &y_first, &h_first);
      gtk_text_view_get_line_yrange (view, &last, &y_last, &h_last);
      if (y_last + h_last < visible.y || y_first > visible.y + visible.height)
        continue;
      for (guint level = 0; level < MIN (q->depth, (guint) MAX_QUOTE_TAGS); level++)
        {
          GdkRGBA color = bar_colors[level % G_N_ELEMENTS (bar_colors)];

          gtk_snapshot_append_color (snapshot, &color,
                                     &GRAPHENE_RECT_INIT (level * QUOTE_STEP + 1, y_first,
                                                          BAR_WIDTH, y_last + h_last - y_first));
        }
    }
}

static const Link *
link_at_offset (TernUiTextBody *self, int offset)
{
  guint lo = 0, hi = self->links->len;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      const Link *l = &g_array_index (self->links, Link, mid);

      if (offset < l->start)
        hi = mid;
      else if (offset >= l->end)
        lo = mid + 1;
      else
        return l;
    }
  return NULL;
}

static const Link *
link_at_point (TernUiTextBody *self, double x, double y)
{
  GtkTextView *view = GTK_TEXT_VIEW (self);
  GtkTextIter iter;
  int bx, by;

  gtk_text_view_window_to_buffer_coords (view, GTK_TEXT_WINDOW_WIDGET, (int) x, (int) y, &bx, &by);
  if (!gtk_text_view_get_iter_at_location (view, &iter, bx, by))
    return NULL;
  return link_at_offset (self, gtk_text_iter_get_offset (&iter));
}

/**
 * tern_ui_text_body_click_at:
 * @x: widget coordinates
 * @y:
 *
 * What a click at (@x, @y) does: opens the link there (through the message
 * view's ::activate-link).
 *
 * Returns: whether a link was there
 */
gboolean
tern_ui_text_body_click_at (TernUiTextBody *self, double x, double y)
{
  const Link *link;
  g_autofree char *label = NULL;

  g_return_val_if_fail (TERN_UI_IS_TEXT_BODY (self), FALSE);

  link = link_at_point (self, x, y);
  if (link == NULL)
    return FALSE;
  {
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
    GtkTextIter start, end;

    gtk_text_buffer_get_iter_at_offset (buffer, &start, link->start);
    gtk_text_buffer_get_iter_at_offset (buffer, &end, link->end);
    label = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  }
  _tern_ui_reader_activate_link (GTK_WIDGET (self), link->uri, label);
  return TRUE;
}

static void
click_released_cb (GtkGestureClick *gesture,
                   int              n_press,
                   double           x,
                   double           y,
                   TernUiTextBody  *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));

  if (n_press != 1 || gtk_text_buffer_get_has_selection (buffer))
    return;
  if (tern_ui_text_body_click_at (self, x, y))
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
motion_cb (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           TernUiTextBody           *self)
{
  const Link *link = link_at_point (self, x, y);
  const char *uri = link != NULL ? link->uri : NULL;

  if (uri == self->hovered_uri)
    return;
  self->hovered_uri = uri;
  self->hovering_link = uri != NULL;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), uri != NULL ? "pointer" : "text");
  _tern_ui_reader_hover_link (GTK_WIDGET (self), uri);
}

static void
leave_cb (GtkEventControllerMotion *motion,
          TernUiTextBody           *self)
{
  if (!self->hovering_link)
    return;
  self->hovering_link = FALSE;
  self->hovered_uri = NULL;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "text");
  _tern_ui_reader_hover_link (GTK_WIDGET (self), NULL);
}

static GRegex *
link_regex (void)
{
  static GRegex *regex;

  if (g_once_init_enter (&regex))
    {
      GRegex *r = g_regex_new ("\\b(?:(?:https?|ftp)://|mailto:)[^\\s<>\"]+",
                               G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&regex, r);
    }
  return regex;
}

/* The end of a URL found in text, without the punctuation that ends a sentence. */
static const char *
trim_url_end (const char *start, const char *end)
{
  while (end > start)
    {
      char c = end[-1];

      if (strchr (".,;:!?'\"", c) != NULL)
        end--;
      else if (c == ')' || c == ']' || c == '>')
        {
          char open = c == ')' ? '(' : c == ']' ? '[' : '<';
          int balance = 0;

          for (const char *p = start; p < end; p++)
            balance += *p == open ? 1 : *p == c ? -1 : 0;
          if (balance >= 0)
            break;
          end--;
        }
      else
        break;
    }
  return end;
}

static void
find_links (TernUiTextBody *self, const char *text)
{
  g_autoptr(GMatchInfo) match = NULL;
  const char *last_pos = text;
  int last_offset = 0;

  g_regex_match (link_regex (), text, 0, &match);
  while (g_match_info_matches (match))
    {
      int s, e;
      Link link;
      const char *end;

      g_match_info_fetch_pos (match, 0, &s, &e);
      end = trim_url_end (text + s, text + e);
      if (end - (text + s) > 8)
        {
          link.start = last_offset + (int) g_utf8_pointer_to_offset (last_pos, text + s);
          link.end = link.start + (int) g_utf8_pointer_to_offset (text + s, end);
          link.uri = g_strndup (text + s, end - (text + s));
          g_array_append_val (self->links, link);
          last_pos = end;
          last_offset = link.end;
        }
      g_match_info_next (match, NULL);
    }
}

static void
fill (TernUiTextBody *self, const char *text, gboolean notice)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  GString *shown = g_string_sized_new (strlen (text) + 1);
  g_autoptr(GArray) line_depths = g_array_new (FALSE, FALSE, sizeof (guint));
  int signature_line = -1;
  const char *p = text;
  int line = 0;
  GtkTextIter start, end;

  /* Lines without their quote marks, and each line's depth. */
  while (*p != '\0')
    {
      const char *eol = strchr (p, '\n');
      gsize len = eol != NULL ? (gsize) (eol - p) : strlen (p);
      gsize content = 0;
      guint depth;

      if (len > 0 && p[len - 1] == '\r')
        len--;
      depth = notice ? 0 : tern_mime_quote_depth (p, len, &content);
      if (signature_line < 0 && depth == 0 && !notice && len == 3 && strncmp (p, "-- ", 3) == 0)
        signature_line = line;
      g_string_append_len (shown, p + content, len - content);
      g_array_append_val (line_depths, depth);
      line++;
      if (eol == NULL)
        break;
      g_string_append_c (shown, '\n');
      p = eol + 1;
    }
  /* No empty line at the end of the message. */
  while (shown->len > 0 && (shown->str[shown->len - 1] == '\n' || shown->str[shown->len - 1] == ' '))
    g_string_truncate (shown, shown->len - 1);

  gtk_text_buffer_set_text (buffer, shown->str, (int) shown->len);
  line = gtk_text_buffer_get_line_count (buffer);

  /* Quote levels: one tag and one bar range per run of lines of the same depth. */
  for (int i = 0; i < line && i < (int) line_depths->len; )
    {
      guint depth = g_array_index (line_depths, guint, i);
      int j = i;

      while (j + 1 < line && j + 1 < (int) line_depths->len && g_array_index (line_depths, guint, j + 1) == depth)
        j++;
      if (depth > 0)
        {
          QuoteRange q = { i, j, depth };

          gtk_text_buffer_get_iter_at_line (buffer, &start, i);
          if (j + 1 < line)
            gtk_text_buffer_get_iter_at_line (buffer, &end, j + 1);
          else
            gtk_text_buffer_get_end_iter (buffer, &end);
          gtk_text_buffer_apply_tag (buffer, self->quote_tags[MIN (depth, (guint) MAX_QUOTE_TAGS)], &start, &end);
          g_array_append_val (self->quotes, q);
        }
      i = j + 1;
    }

  if (signature_line >= 0 && signature_line < line)
    {
      gtk_text_buffer_get_iter_at_line (buffer, &start, signature_line);
      gtk_text_buffer_get_end_iter (buffer, &end);
      gtk_text_buffer_apply_tag (buffer, self->dim_tag, &start, &end);
    }

  find_links (self, shown->str);
  for (guint i = 0; i < self->links->len; i++)
    {
      Link *l = &g_array_index (self->links, Link, i);

      gtk_text_buffer_get_iter_at_offset (buffer, &start, l->start);
      gtk_text_buffer_get_iter_at_offset (buffer, &end, l->end);
      gtk_text_buffer_apply_tag (buffer, self->link_tag, &start, &end);
    }

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  if (notice)
    gtk_text_buffer_apply_tag (buffer, self->notice_tag, &start, &end);
  gtk_text_buffer_apply_tag (buffer, self->zoom_tag, &start, &end);
  gtk_text_buffer_place_cursor (buffer, &start);

  g_string_free (shown, TRUE);
}

/**
 * tern_ui_text_body_new:
 * @text: UTF-8 text (format=flowed already joined)
 * @notice: whether @text is a notice from Tern rather than the sender's text
 *
 * Returns: (transfer floating): the body
 */
GtkWidget *
tern_ui_text_body_new (const char *text, gboolean notice)
{
  TernUiTextBody *self = g_object_new (TERN_UI_TYPE_TEXT_BODY, NULL);

  fill (self, text, notice);
  return GTK_WIDGET (self);
}

/**
 * tern_ui_text_body_set_zoom:
 * @zoom: the text scale, 0.5 to 2.0
 */
void
tern_ui_text_body_set_zoom (TernUiTextBody *self, double zoom)
{
  g_return_if_fail (TERN_UI_IS_TEXT_BODY (self));

  g_object_set (self->zoom_tag, "scale", CLAMP (zoom, 0.5, 2.0), NULL);
}

/**
 * tern_ui_text_body_get_quote_depth_at_line:
 *
 * Returns: the quote depth shown for buffer line @line
 */
guint
tern_ui_text_body_get_quote_depth_at_line (TernUiTextBody *self, int line)
{
  g_return_val_if_fail (TERN_UI_IS_TEXT_BODY (self), 0);

  for (guint i = 0; i < self->quotes->len; i++)
    {
      QuoteRange *q = &g_array_index (self->quotes, QuoteRange, i);

      if (line >= q->first_line && line <= q->last_line)
        return q->depth;
    }
  return 0;
}

/**
 * tern_ui_text_body_get_link_at_offset:
 *
 * Returns: (nullable): the URI of the link at character @offset
 */
const char *
tern_ui_text_body_get_link_at_offset (TernUiTextBody *self, int offset)
{
  const Link *link;

  g_return_val_if_fail (TERN_UI_IS_TEXT_BODY (self), NULL);

  link = link_at_offset (self, offset);
  return link != NULL ? link->uri : NULL;
}

static void
tern_ui_text_body_dispose (GObject *object)
{
  TernUiTextBody *self = TERN_UI_TEXT_BODY (object);

  g_signal_handlers_disconnect_by_data (adw_style_manager_get_default (), self);
  if (self->resize_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->resize_tick);
  self->resize_tick = 0;
  G_OBJECT_CLASS (tern_ui_text_body_parent_class)->dispose (object);
}

static void
tern_ui_text_body_finalize (GObject *object)
{
  TernUiTextBody *self = TERN_UI_TEXT_BODY (object);

  g_array_unref (self->quotes);
  g_array_unref (self->links);
  G_OBJECT_CLASS (tern_ui_text_body_parent_class)->finalize (object);
}

/* Needed at the width it has: GtkTextView's own measure (not gtk_widget_measure's
 * cache), from the layout as validated so far. */
static int
needed_height (GtkWidget *widget, int width)
{
  int needed = 0, natural = 0, min_baseline = -1, nat_baseline = -1;

  GTK_WIDGET_CLASS (tern_ui_text_body_parent_class)->measure (widget, GTK_ORIENTATION_VERTICAL, width,
                                                              &needed, &natural, &min_baseline, &nat_baseline);
  return needed;
}

/* From the frame clock, outside any allocation, frame after frame until the body
 * has had the height its text needs for a few frames (or 2 s at 60 Hz): the text
 * view validates its lines in idle time, so the height it needs may grow after the
 * allocation that started this; each time it differs, the parents measure again. */
static gboolean
resize_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  TernUiTextBody *self = TERN_UI_TEXT_BODY (widget);
  int height = gtk_widget_get_height (widget);
  int needed = needed_height (widget, gtk_widget_get_width (widget));

  if (needed != height)
    {
      GtkWidget *parent = gtk_widget_get_parent (widget);

      self->resize_steady = 0;
      gtk_widget_queue_resize (widget);
      if (parent != NULL)
        gtk_widget_queue_resize (parent);
    }
  else if (height > 0)
    self->resize_steady++;
  if (self->resize_steady >= 3 || ++self->resize_ticks >= 120)
    {
      self->resize_tick = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* GtkTextView measures the height of its text at the width of its last
 * allocation (it ignores the width it is measured for). Allocated the first
 * time (say in a card that was collapsed, or in the stack page of its body that
 * was just switched to), it was measured 0 high, and the resize it queues from
 * inside its size_allocate once it knows its height is lost in GTK 4.8: the box
 * above keeps it 0 high, an empty gap where the text should be. So when the
 * height it was given is not the height its text needs at the width it was
 * given, or is 0 with lines still to validate, it asks again from the next frames. */
static void
tern_ui_text_body_size_allocate (GtkWidget *widget,
                                 int        width,
                                 int        height,
                                 int        baseline)
{
  TernUiTextBody *self = TERN_UI_TEXT_BODY (widget);
  int needed;

  GTK_WIDGET_CLASS (tern_ui_text_body_parent_class)->size_allocate (widget, width, height, baseline);

  needed = needed_height (widget, width);
  if (needed == height && height > 0)
    return;
  /* Once per height needed: no loop when a parent gives less on purpose. */
  if (needed == self->resized_for)
    return;
  self->resized_for = needed;
  if (self->resize_tick == 0)
    {
      self->resize_ticks = 0;
      self->resize_steady = 0;
      self->resize_tick = gtk_widget_add_tick_callback (widget, resize_tick_cb, NULL, NULL);
    }
}

static void
tern_ui_text_body_class_init (TernUiTextBodyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkTextViewClass *text_view_class = GTK_TEXT_VIEW_CLASS (klass);

  object_class->dispose = tern_ui_text_body_dispose;
  object_class->finalize = tern_ui_text_body_finalize;
  text_view_class->snapshot_layer = tern_ui_text_body_snapshot_layer;
  GTK_WIDGET_CLASS (klass)->size_allocate = tern_ui_text_body_size_allocate;
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "textview");
}

static void
tern_ui_text_body_init (TernUiTextBody *self)
{
  GtkTextView *view = GTK_TEXT_VIEW (self);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkEventController *motion;
  GtkGesture *click;

  self->resized_for = -1;
  self->quotes = g_array_new (FALSE, FALSE, sizeof (QuoteRange));
  self->links = g_array_new (FALSE, FALSE, sizeof (Link));
  g_array_set_clear_func (self->links, (GDestroyNotify) link_clear);

  gtk_text_view_set_editable (view, FALSE);
  gtk_text_view_set_cursor_visible (view, FALSE);
  gtk_text_view_set_wrap_mode (view, GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (view, FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self), "message-text");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Message text"),
                                  -1);

  /* Priority: the zoom first (lowest), the quote levels, then the others. */
  self->zoom_tag = gtk_text_buffer_create_tag (buffer, NULL, "scale", 1.0, NULL);
  for (guint i = 1; i <= MAX_QUOTE_TAGS; i++)
    self->quote_tags[i] = gtk_text_buffer_create_tag (buffer, NULL,
                                                      "left-margin", (int) (i * QUOTE_STEP + 4),
                                                      "pixels-above-lines", 0,
                                                      NULL);
  self->dim_tag = gtk_text_buffer_create_tag (buffer, NULL, NULL);
  self->notice_tag = gtk_text_buffer_create_tag (buffer, NULL, "style", PANGO_STYLE_ITALIC, NULL);
  self->link_tag = gtk_text_buffer_create_tag (buffer, NULL, "underline", PANGO_UNDERLINE_SINGLE, NULL);
  update_colors (self);
  g_signal_connect_swapped (adw_style_manager_get_default (), "notify::dark",
                            G_CALLBACK (dark_changed_cb), self);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "released", G_CALLBACK (click_released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
}
