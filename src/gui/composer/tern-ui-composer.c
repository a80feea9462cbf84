/* tern-ui-composer.c: the window where a message is written
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A window of its own (not a pane of the reader): a message can be written while
 * others are read, several at once, and side by side with the one it answers; the
 * main window stays as it was. It holds a TernOutboxComposition's fields: From (the
 * accounts and their identities), To, Cc and Bcc (completing addresses from the
 * store), the subject (the window's title), the text (sent as format=flowed by the
 * engine) and the attachments (the file chooser, or dropped on the window).
 *
 * Drafts: three seconds after the last change, and when the window is closed, the
 * message is saved as a draft through tern_mail_save_composition_async(), each
 * version replacing the one before, here and on the server (through the journal, so
 * offline too). One save runs at a time; changes meanwhile save again after it.
 *
 * Sending is in tern-ui-composer-send.c.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "tern-ui-composer-private.h"

#define AUTOSAVE_SECONDS 3

G_DEFINE_FINAL_TYPE (TernUiComposer, tern_ui_composer, ADW_TYPE_APPLICATION_WINDOW)

enum { PROP_0, PROP_READY, PROP_BUSY, N_PROPS };
static GParamSpec *properties[N_PROPS];

/* What to open once the engine is loaded (a mailto: link at start-up). */
typedef struct
{
  TernOutboxComposition *composition;
  gboolean               add_signature;
  gint64                 reply_id;
  TernOutboxReplyKind    reply_kind;
  gint64                 draft_id;
  gint64                 outbox_id;
} Pending;

static void
pending_free (Pending *pending)
{
  g_clear_pointer (&pending->composition, tern_outbox_composition_free);
  g_free (pending);
}

static void start (TernUiComposer *self, Pending *pending);

/* ---- small helpers ------------------------------------------------------------------------ */

static char *
dup_body (TernUiComposer *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->body_view);
  GtkTextIter begin, end;

  gtk_text_buffer_get_bounds (buffer, &begin, &end);
  return gtk_text_buffer_get_text (buffer, &begin, &end, FALSE);
}

static const char *
text_or_null (const char *text)
{
  return text != NULL && *text != '\0' ? text : NULL;
}

TernUiIdentity *
_tern_ui_composer_get_identity (TernUiComposer *self)
{
  gpointer item = gtk_drop_down_get_selected_item (self->from_dropdown);

  return item != NULL ? TERN_UI_IDENTITY (item) : NULL;
}

void
_tern_ui_composer_set_status (TernUiComposer *self, const char *status)
{
  gtk_label_set_text (self->status_label, status != NULL ? status : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), status != NULL);
}

/**
 * _tern_ui_composer_show_error:
 * @message: (nullable): what is wrong, or %NULL to hide the bar
 */
void
_tern_ui_composer_show_error (TernUiComposer *self, const char *message)
{
  if (message != NULL)
    gtk_label_set_text (self->error_label, message);
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

/* Whether there is nothing worth a draft: no address, subject, text of one's own
 * (a signature alone is not) or attachment. */
gboolean
_tern_ui_composer_is_empty (TernUiComposer *self)
{
  g_autofree char *body = dup_body (self);
  g_autofree char *signature_only = NULL;

  if (*gtk_editable_get_text (GTK_EDITABLE (self->to_entry)) != '\0' ||
      *gtk_editable_get_text (GTK_EDITABLE (self->cc_entry)) != '\0' ||
      *gtk_editable_get_text (GTK_EDITABLE (self->bcc_entry)) != '\0' ||
      *gtk_editable_get_text (GTK_EDITABLE (self->subject_entry)) != '\0' ||
      tern_ui_attachment_list_get_n_attachments (self->attachments) > 0)
    return FALSE;
  if (self->signature != NULL)
    signature_only = g_strdup_printf ("\n\n-- \n%s\n", self->signature);
  g_strstrip (body);
  return *body == '\0' || (signature_only != NULL && g_strcmp0 (g_strstrip (signature_only), body) == 0);
}

/* ---- the composition ------------------------------------------------------------------------ */

/**
 * tern_ui_composer_dup_composition:
 *
 * Returns: (transfer full): what the window holds, as a composition
 */
TernOutboxComposition *
tern_ui_composer_dup_composition (TernUiComposer *self)
{
  TernOutboxComposition *c = tern_outbox_composition_new ();
  TernUiIdentity *identity;

  g_return_val_if_fail (TERN_UI_IS_COMPOSER (self), c);

  identity = _tern_ui_composer_get_identity (self);
  c->from = identity != NULL ? tern_ui_identity_dup_from (identity) : NULL;
  c->to = g_strdup (text_or_null (gtk_editable_get_text (GTK_EDITABLE (self->to_entry))));
  c->cc = g_strdup (text_or_null (gtk_editable_get_text (GTK_EDITABLE (self->cc_entry))));
  c->bcc = g_strdup (text_or_null (gtk_editable_get_text (GTK_EDITABLE (self->bcc_entry))));
  c->subject = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->subject_entry)));
  g_free (c->body);
  c->body = dup_body (self);
  g_ptr_array_unref (c->attachments);
  c->attachments = tern_ui_attachment_list_dup_attachments (self->attachments);
  c->in_reply_to = g_strdup (self->in_reply_to);
  c->references = g_strdupv (self->references);
  c->origin = self->origin;
  c->origin_message_id = g_strdup (self->origin_message_id);
  return c;
}

static TernOutboxSignaturePlacement
placement (TernUiComposer *self)
{
  g_autofree char *position = g_settings_get_string (self->settings, "signature-position");

  return g_strcmp0 (position, "below") == 0 ? TERN_OUTBOX_SIGNATURE_BELOW_QUOTE : TERN_OUTBOX_SIGNATURE_ABOVE_QUOTE;
}

static void
set_ready (TernUiComposer *self, gboolean ready)
{
  self->ready = ready;
  gtk_stack_set_visible_child_name (self->body_stack, ready ? "body" : "loading");
  gtk_spinner_set_spinning (self->loading_spinner, !ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "composer.send", ready);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
}

static void scroll_to_cursor (TernUiComposer *self);

static gboolean
cursor_in_sight (TernUiComposer *self, GdkRectangle *location)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->body_view);
  GdkRectangle visible;
  GtkTextIter cursor;

  gtk_text_buffer_get_iter_at_mark (buffer, &cursor, gtk_text_buffer_get_insert (buffer));
  gtk_text_view_get_iter_location (self->body_view, &cursor, location);
  gtk_text_view_get_visible_rect (self->body_view, &visible);
  return location->y >= visible.y && location->y + location->height <= visible.y + visible.height;
}

/* At a priority below the text view's line validation: runs once the view has measured
 * its lines. While frames follow each other (the tick below asks for them) a slow
 * machine may not validate a line between two frames, and the cursor's line seemed in
 * sight and still by estimates that the validation then changed. */
static gboolean
scroll_recheck_cb (gpointer user_data)
{
  TernUiComposer *self = user_data;
  GdkRectangle location;

  self->scroll_recheck = 0;
  if (!cursor_in_sight (self, &location) && ++self->scroll_rechecks <= 5)
    scroll_to_cursor (self);
  return G_SOURCE_REMOVE;
}

/* Before each frame (tick callbacks run before the layout) until the cursor's line is
 * in sight and still, at most two seconds' worth of frames; then checked once more when
 * the view is idle. */
static gboolean
scroll_to_cursor_tick_cb (GtkWidget *view, GdkFrameClock *clock, gpointer user_data)
{
  TernUiComposer *self = user_data;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->body_view);
  GdkRectangle location, visible;
  GtkTextIter cursor;

  if (gtk_widget_get_height (view) <= 0)
    return G_SOURCE_CONTINUE;
  gtk_text_buffer_get_iter_at_mark (buffer, &cursor, gtk_text_buffer_get_insert (buffer));
  gtk_text_view_get_iter_location (self->body_view, &cursor, &location);
  gtk_text_view_get_visible_rect (self->body_view, &visible);
  if (location.y >= visible.y && location.y + location.height <= visible.y + visible.height)
    {
      /* In sight, by estimates the text view may still change as it validates the
       * lines in idle time (on a busy machine, after this frame): done once it stays
       * in sight and still for a few frames. */
      double upper = gtk_adjustment_get_upper (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->body_view)));

      if (location.y == self->scroll_last_y && upper == self->scroll_last_upper)
        self->scroll_steady++;
      else
        self->scroll_steady = 0;
      self->scroll_last_y = location.y;
      self->scroll_last_upper = upper;
    }
  else
    self->scroll_steady = 0;
  if (self->scroll_steady >= 3 || ++self->scroll_ticks >= 120)
    {
      self->scroll_tick = 0;
      if (self->scroll_recheck == 0)
        self->scroll_recheck = g_idle_add_full (G_PRIORITY_LOW, scroll_recheck_cb, self, NULL);
      return G_SOURCE_REMOVE;
    }
  if (self->scroll_steady == 0)
    gtk_text_view_scroll_to_iter (self->body_view, &cursor, 0, FALSE, 0, 0);
  return G_SOURCE_CONTINUE;
}

/* Brings the cursor into sight once the text view has its size. Until the body is first
 * filled, its page is hidden behind the spinner's, so the text view was never
 * allocated; gtk_text_view_scroll_to_mark() then (GTK 4.8) does its pending scroll
 * against a 0x0 screen at the first validation, and the text is drawn at an offset its
 * adjustment does not have (the adjustment says 0, the view shows the text's last line
 * at its top edge). Called later, on a view with a size but a layout still being
 * validated, it queues a scroll that is never done. So: scroll to the cursor's line
 * with the layout's current estimates, frame after frame, until it is in sight (the
 * estimates improve as the lines around it are validated). */
static void
scroll_to_cursor (TernUiComposer *self)
{
  self->scroll_ticks = 0;
  self->scroll_steady = 0;
  self->scroll_last_y = -1;
  self->scroll_last_upper = -1;
  if (self->scroll_tick == 0)
    self->scroll_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self->body_view), scroll_to_cursor_tick_cb, self,
                                                      NULL);
}

/**
 * tern_ui_composer_set_composition:
 * @add_signature: put the identity's signature in (a new message, a reply), or not
 *   (a draft, which has it already)
 *
 * Fills the window; the cursor goes to the first empty address field, or into the
 * text where the writing starts.
 */
void
tern_ui_composer_set_composition (TernUiComposer *self, const TernOutboxComposition *composition,
                                  gboolean add_signature)
{
  g_autoptr(TernOutboxComposition) c = tern_outbox_composition_copy (composition);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->body_view);
  g_auto(GStrv) from = tern_outbox_dup_addresses (c->from);
  TernUiIdentity *identity;
  GtkTextIter cursor;
  guint position;

  g_return_if_fail (TERN_UI_IS_COMPOSER (self));

  position = from[0] != NULL ? tern_ui_identity_list_find (G_LIST_MODEL (self->identities), from[0]) : G_MAXUINT;
  if (position != G_MAXUINT)
    gtk_drop_down_set_selected (self->from_dropdown, position);
  identity = _tern_ui_composer_get_identity (self);
  g_clear_pointer (&self->signature, g_free);
  if (add_signature)
    {
      const char *signature = identity != NULL ? tern_ui_identity_get_signature (identity) : NULL;

      tern_outbox_composition_add_signature (c, signature, placement (self));
      self->signature = g_strdup (signature);
      if (self->signature != NULL)
        g_strchomp (self->signature);
    }

  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), c->to != NULL ? c->to : "");
  gtk_editable_set_text (GTK_EDITABLE (self->cc_entry), c->cc != NULL ? c->cc : "");
  gtk_editable_set_text (GTK_EDITABLE (self->bcc_entry), c->bcc != NULL ? c->bcc : "");
  gtk_toggle_button_set_active (self->cc_toggle, c->cc != NULL && *c->cc != '\0');
  gtk_toggle_button_set_active (self->bcc_toggle, c->bcc != NULL && *c->bcc != '\0');
  gtk_editable_set_text (GTK_EDITABLE (self->subject_entry), c->subject != NULL ? c->subject : "");
  /* Loading the text is not an edit to undo. */
  gtk_text_buffer_begin_irreversible_action (buffer);
  gtk_text_buffer_set_text (buffer, c->body != NULL ? c->body : "", -1);
  gtk_text_buffer_end_irreversible_action (buffer);
  for (guint i = 0; i < c->attachments->len; i++)
    tern_ui_attachment_list_add (self->attachments, g_ptr_array_index (c->attachments, i));
  g_free (self->in_reply_to);
  self->in_reply_to = g_strdup (c->in_reply_to);
  g_strfreev (self->references);
  self->references = g_strdupv (c->references);
  self->origin = c->origin;
  g_free (self->origin_message_id);
  self->origin_message_id = g_strdup (c->origin_message_id);

  gtk_text_buffer_get_iter_at_offset (buffer, &cursor, c->cursor);
  gtk_text_buffer_place_cursor (buffer, &cursor);
  set_ready (self, TRUE);
  if (c->to == NULL || *c->to == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->to_entry));
  else
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->body_view));
      self->scroll_rechecks = 0;
      scroll_to_cursor (self);
    }
  /* What was loaded is saved already (a draft) or needs no saving until edited. */
  self->dirty = FALSE;
  g_clear_handle_id (&self->autosave_timeout, g_source_remove);
  _tern_ui_composer_probe_size (self);
}

/* ---- drafts --------------------------------------------------------------------------------- */

static void
finish_closing (TernUiComposer *self)
{
  if (self->closing && !self->saving && !self->sending)
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
save_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernUiComposer) self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  self->saving = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  if (!tern_mail_operation_finish (TERN_MAIL (source), result, NULL, &id, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The draft cannot be saved: %s"), error->message);

      _tern_ui_composer_set_status (self, NULL);
      if (self->closing)
        {
          /* Shown again rather than lost. */
          self->closing = FALSE;
          gtk_window_present (GTK_WINDOW (self));
        }
      _tern_ui_composer_show_error (self, message);
      self->send_after_save = FALSE;
      return;
    }
  self->draft_id = id;
  _tern_ui_composer_set_status (self, _("Draft saved"));
  if (self->send_after_save)
    {
      self->send_after_save = FALSE;
      _tern_ui_composer_send (self);
      return;
    }
  if (self->save_again || (self->closing && self->dirty))
    {
      self->save_again = FALSE;
      _tern_ui_composer_save (self);
      return;
    }
  finish_closing (self);
}

/**
 * _tern_ui_composer_save:
 *
 * Saves the draft now (after the one saving, if one is).
 */
void
_tern_ui_composer_save (TernUiComposer *self)
{
  g_autoptr(TernOutboxComposition) c = NULL;
  TernUiIdentity *identity = _tern_ui_composer_get_identity (self);

  g_clear_handle_id (&self->autosave_timeout, g_source_remove);
  if (self->saving)
    {
      self->save_again = TRUE;
      return;
    }
  if (self->mail == NULL || identity == NULL || !self->ready ||
      (self->draft_id == 0 && _tern_ui_composer_is_empty (self)))
    {
      self->dirty = FALSE;
      finish_closing (self);
      return;
    }
  c = tern_ui_composer_dup_composition (self);
  self->dirty = FALSE;
  self->saving = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  _tern_ui_composer_set_status (self, _("Saving draft…"));
  tern_mail_save_composition_async (self->mail, tern_ui_identity_get_account (identity), c, self->draft_id,
                                    NULL, save_done_cb, g_object_ref (self));
}

static gboolean
autosave_cb (gpointer user_data)
{
  TernUiComposer *self = user_data;

  self->autosave_timeout = 0;
  _tern_ui_composer_save (self);
  return G_SOURCE_REMOVE;
}

static void
changed (TernUiComposer *self)
{
  if (!self->ready || self->sending)
    return;
  self->dirty = TRUE;
  _tern_ui_composer_set_status (self, NULL);
  g_clear_handle_id (&self->autosave_timeout, g_source_remove);
  self->autosave_timeout = g_timeout_add_seconds (AUTOSAVE_SECONDS, autosave_cb, self);
}

static void
field_changed_cb (GtkEditable *editable, TernUiComposer *self)
{
  changed (self);
}

static void
subject_changed_cb (GtkEditable *editable, TernUiComposer *self)
{
  const char *subject = gtk_editable_get_text (editable);
  const char *title = *subject != '\0' ? subject : _("New Message");

  adw_window_title_set_title (self->window_title, title);
  gtk_window_set_title (GTK_WINDOW (self), title);
  changed (self);
}

static void
buffer_changed_cb (GtkTextBuffer *buffer, TernUiComposer *self)
{
  changed (self);
}

static void
attachments_changed_cb (TernUiAttachmentList *list, TernUiComposer *self)
{
  changed (self);
}

static void
attachment_error_cb (TernUiAttachmentList *list, const char *message, TernUiComposer *self)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

/* A new identity brings its signature in place of the last one's. */
static void
from_changed_cb (GtkDropDown *dropdown, GParamSpec *pspec, TernUiComposer *self)
{
  TernUiIdentity *identity = _tern_ui_composer_get_identity (self);
  const char *signature = identity != NULL ? tern_ui_identity_get_signature (identity) : NULL;
  g_autofree char *new_signature = g_strdup (signature);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->body_view);

  if (new_signature != NULL)
    g_strchomp (new_signature);
  if (self->ready && self->signature != NULL && g_strcmp0 (self->signature, new_signature) != 0)
    {
      g_autofree char *old_block = g_strdup_printf ("\n-- \n%s", self->signature);
      GtkTextIter start, match_start, match_end;

      gtk_text_buffer_get_start_iter (buffer, &start);
      if (gtk_text_iter_forward_search (&start, old_block, GTK_TEXT_SEARCH_TEXT_ONLY, &match_start, &match_end, NULL))
        {
          g_autofree char *new_block = new_signature != NULL ? g_strdup_printf ("\n-- \n%s", new_signature)
                                                             : g_strdup ("");

          gtk_text_buffer_begin_user_action (buffer);
          gtk_text_buffer_delete (buffer, &match_start, &match_end);
          gtk_text_buffer_insert (buffer, &match_start, new_block, -1);
          gtk_text_buffer_end_user_action (buffer);
          g_free (self->signature);
          self->signature = g_steal_pointer (&new_signature);
        }
    }
  _tern_ui_composer_probe_size (self);
  changed (self);
}

/* ---- the From field -------------------------------------------------------------------------- */

static void
identity_setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
identity_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  TernUiIdentity *identity = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  g_autofree char *from = tern_ui_identity_dup_from (identity);
  GtkWidget *parent = gtk_widget_get_parent (label);

  gtk_label_set_text (GTK_LABEL (label), from);
  /* The row's name for screen readers (gtk_list_item_set_accessible_label is 4.12). */
  if (parent != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (parent), GTK_ACCESSIBLE_PROPERTY_LABEL, from, -1);
}

/* ---- attachments: the file chooser and dropped files ------------------------------------------ */

/**
 * tern_ui_composer_add_files:
 * @files: (element-type GFile): files to attach (read on workers)
 */
void
tern_ui_composer_add_files (TernUiComposer *self, GList *files)
{
  g_return_if_fail (TERN_UI_IS_COMPOSER (self));
  tern_ui_attachment_list_add_files (self->attachments, files);
}

static void
chooser_response_cb (GtkNativeDialog *dialog, int response, TernUiComposer *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      GList *list = NULL;

      for (guint i = g_list_model_get_n_items (files); i > 0; i--)
        list = g_list_prepend (list, g_list_model_get_item (files, i - 1));
      tern_ui_composer_add_files (self, list);
      g_list_free_full (list, g_object_unref);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
attach_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TernUiComposer *self = TERN_UI_COMPOSER (widget);
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Attach Files"), GTK_WINDOW (self),
                                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Attach"),
                                                               _("_Cancel"));

  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static gboolean
drop_cb (GtkDropTarget *target, const GValue *value, double x, double y, TernUiComposer *self)
{
  GSList *files;
  GList *list = NULL;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  files = gdk_file_list_get_files (g_value_get_boxed (value));
  for (GSList *l = files; l != NULL; l = l->next)
    list = g_list_append (list, l->data);
  tern_ui_composer_add_files (self, list);
  g_list_free (list);
  g_slist_free (files);
  /* Taken here: the text view never gets the files' names as text. */
  return TRUE;
}

/**
 * tern_ui_composer_get_drop_target:
 *
 * Returns: (transfer none): what takes the files dropped on the window
 */
GtkDropTarget *
tern_ui_composer_get_drop_target (TernUiComposer *self)
{
  g_return_val_if_fail (TERN_UI_IS_COMPOSER (self), NULL);
  return self->drop_target;
}

/* ---- actions ----------------------------------------------------------------------------------- */

static void
send_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  _tern_ui_composer_send (TERN_UI_COMPOSER (widget));
}

static void
save_draft_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TernUiComposer *self = TERN_UI_COMPOSER (widget);

  self->dirty = TRUE;
  _tern_ui_composer_save (self);
}

static void
discard_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernUiComposer) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tern_mail_operation_finish (TERN_MAIL (source), result, NULL, NULL, &error))
    g_warning ("The draft cannot be deleted: %s", error->message);
  self->saving = FALSE;
  finish_closing (self);
}

static void
discard_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TernUiComposer *self = TERN_UI_COMPOSER (widget);

  g_clear_handle_id (&self->autosave_timeout, g_source_remove);
  self->dirty = FALSE;
  self->closing = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  if (self->draft_id != 0 && self->mail != NULL && !self->saving)
    {
      gint64 id = self->draft_id;

      self->saving = TRUE;
      self->draft_id = 0;
      tern_mail_expunge_async (self->mail, &id, 1, NULL, discard_done_cb, g_object_ref (self));
      return;
    }
  finish_closing (self);
}

static void
show_cc_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TernUiComposer *self = TERN_UI_COMPOSER (widget);
  gboolean bcc = g_str_equal (action_name, "composer.show-bcc");
  GtkToggleButton *toggle = bcc ? self->bcc_toggle : self->cc_toggle;

  gtk_toggle_button_set_active (toggle, TRUE);
  gtk_widget_grab_focus (bcc ? GTK_WIDGET (self->bcc_entry) : GTK_WIDGET (self->cc_entry));
}

static gboolean
close_request_cb (GtkWindow *window, gpointer user_data)
{
  TernUiComposer *self = TERN_UI_COMPOSER (window);

  if (self->closing)
    return TRUE;
  /* What changed is saved first; the window goes at once. */
  if (self->saving || self->sending || (self->dirty && !_tern_ui_composer_is_empty (self)))
    {
      self->closing = TRUE;
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      if (self->dirty && !self->sending)
        _tern_ui_composer_save (self);
      return TRUE;
    }
  return FALSE;
}

/* ---- opening ---------------------------------------------------------------------------------- */

static void
composed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernUiComposer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernOutboxComposition) c = tern_mail_compose_finish (TERN_MAIL (source), result, &error);
  gboolean add_signature = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (self), "tern-add-signature"));

  if (c == NULL)
    {
      g_autofree char *message = NULL;
      g_autoptr(TernOutboxComposition) empty = tern_outbox_composition_new ();

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("The message cannot be read: %s"), error->message);
      tern_ui_composer_set_composition (self, empty, TRUE);
      _tern_ui_composer_show_error (self, message);
      return;
    }
  tern_ui_composer_set_composition (self, c, add_signature);
}

static void
taken_back_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernUiComposer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernOutboxComposition) c = tern_mail_outbox_take_back_finish (TERN_MAIL (source), result, &error);

  if (c == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The message cannot be edited: %s"), error->message);
      g_autoptr(TernOutboxComposition) empty = tern_outbox_composition_new ();

      tern_ui_composer_set_composition (self, empty, FALSE);
      _tern_ui_composer_show_error (self, message);
      return;
    }
  tern_ui_composer_set_composition (self, c, FALSE);
  /* Out of the outbox: it lives as a draft until sent again. */
  self->dirty = TRUE;
  _tern_ui_composer_save (self);
}

static void
setup_mail (TernUiComposer *self, TernMail *mail)
{
  GtkListItemFactory *factory;

  self->mail = g_object_ref (mail);
  tern_ui_identity_sync_engine (mail, self->settings);
  self->identities = tern_ui_identity_list_new (mail, self->settings);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (identity_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (identity_bind_cb), NULL);
  gtk_drop_down_set_factory (self->from_dropdown, factory);
  g_object_unref (factory);
  gtk_drop_down_set_model (self->from_dropdown, G_LIST_MODEL (self->identities));
  tern_ui_address_entry_set_mail (self->to_entry, mail);
  tern_ui_address_entry_set_mail (self->cc_entry, mail);
  tern_ui_address_entry_set_mail (self->bcc_entry, mail);
}

static void
start (TernUiComposer *self, Pending *pending)
{
  if (pending->composition != NULL)
    tern_ui_composer_set_composition (self, pending->composition, pending->add_signature);
  else if (pending->reply_id != 0)
    {
      g_object_set_data (G_OBJECT (self), "tern-add-signature", GINT_TO_POINTER (TRUE));
      tern_mail_compose_reply_async (self->mail, pending->reply_id, pending->reply_kind, self->cancellable,
                                     composed_cb, g_object_ref (self));
    }
  else if (pending->draft_id != 0)
    {
      self->draft_id = pending->draft_id;
      g_object_set_data (G_OBJECT (self), "tern-add-signature", GINT_TO_POINTER (FALSE));
      tern_mail_open_draft_async (self->mail, pending->draft_id, self->cancellable, composed_cb, g_object_ref (self));
    }
  else if (pending->outbox_id != 0)
    tern_mail_outbox_take_back_async (self->mail, pending->outbox_id, self->cancellable, taken_back_cb,
                                      g_object_ref (self));
  pending_free (pending);
}

static void
mail_loaded_cb (TernUiApplication *application, GParamSpec *pspec, TernUiComposer *self)
{
  TernMail *mail = tern_ui_application_get_mail (application);
  Pending *pending;

  if (mail == NULL || self->mail != NULL)
    return;
  setup_mail (self, mail);
  pending = g_object_steal_data (G_OBJECT (self), "tern-pending");
  if (pending != NULL)
    start (self, pending);
}

/* Opens @pending now, or once the engine is loaded. */
static TernUiComposer *
open_pending (TernUiApplication *application, Pending *pending)
{
  TernUiComposer *self = tern_ui_composer_new (application);

  gtk_window_present (GTK_WINDOW (self));
  if (self->mail != NULL)
    start (self, pending);
  else
    g_object_set_data_full (G_OBJECT (self), "tern-pending", pending, (GDestroyNotify) pending_free);
  return self;
}

/**
 * tern_ui_composer_open:
 *
 * Returns: (transfer none): a new message's window, shown
 */
TernUiComposer *
tern_ui_composer_open (TernUiApplication *application)
{
  g_autoptr(TernOutboxComposition) empty = tern_outbox_composition_new ();

  return tern_ui_composer_open_composition (application, empty, TRUE);
}

/**
 * tern_ui_composer_open_composition:
 *
 * Returns: (transfer none): the window, shown
 */
TernUiComposer *
tern_ui_composer_open_composition (TernUiApplication *application, const TernOutboxComposition *composition,
                                   gboolean add_signature)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->composition = tern_outbox_composition_copy (composition);
  pending->add_signature = add_signature;
  return open_pending (application, pending);
}

/**
 * tern_ui_composer_open_reply:
 *
 * Returns: (transfer none): the window of a reply or forward, shown at once and
 *   filled when the message is read (on a worker)
 */
TernUiComposer *
tern_ui_composer_open_reply (TernUiApplication *application, gint64 message_id, TernOutboxReplyKind kind)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->reply_id = message_id;
  pending->reply_kind = kind;
  return open_pending (application, pending);
}

/**
 * tern_ui_composer_open_draft:
 *
 * Returns: (transfer none): the window of a draft, to go on with it
 */
TernUiComposer *
tern_ui_composer_open_draft (TernUiApplication *application, gint64 message_id)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->draft_id = message_id;
  return open_pending (application, pending);
}

/**
 * tern_ui_composer_open_outbox_entry:
 *
 * Returns: (transfer none): the window of a message taken back from the outbox
 */
TernUiComposer *
tern_ui_composer_open_outbox_entry (TernUiApplication *application, gint64 outbox_id)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->outbox_id = outbox_id;
  return open_pending (application, pending);
}

/**
 * tern_ui_composer_open_mailto:
 * @uri: a mailto: URI (RFC 6068)
 *
 * Returns: (transfer none): the window, prefilled; with an error bar when @uri is not
 *   a mailto: link Tern reads
 */
TernUiComposer *
tern_ui_composer_open_mailto (TernUiApplication *application, const char *uri)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernOutboxComposition) c = tern_outbox_composition_new_from_mailto (uri, &error);
  TernUiComposer *self;

  if (c != NULL)
    return tern_ui_composer_open_composition (application, c, TRUE);
  self = tern_ui_composer_open (application);
  _tern_ui_composer_show_error (self, error->message);
  return self;
}

/* ---- the object ------------------------------------------------------------------------------ */

gboolean
tern_ui_composer_get_ready (TernUiComposer *self)
{
  g_return_val_if_fail (TERN_UI_IS_COMPOSER (self), FALSE);
  return self->ready;
}

gint64
tern_ui_composer_get_draft_id (TernUiComposer *self)
{
  g_return_val_if_fail (TERN_UI_IS_COMPOSER (self), 0);
  return self->draft_id;
}

/**
 * tern_ui_composer_get_busy:
 *
 * Returns: whether a draft is being saved or the message sent
 */
gboolean
tern_ui_composer_get_busy (TernUiComposer *self)
{
  g_return_val_if_fail (TERN_UI_IS_COMPOSER (self), FALSE);
  return self->saving || self->sending || self->autosave_timeout != 0;
}

/**
 * tern_ui_composer_new:
 *
 * Returns: (transfer none): an empty composer, not shown, not ready (see the
 *   tern_ui_composer_open*() functions)
 */
TernUiComposer *
tern_ui_composer_new (TernUiApplication *application)
{
  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "composer.send", { "<Control>Return", "<Control>KP_Enter", NULL } },
    { "composer.attach", { "<Control><Shift>a", NULL } },
    { "composer.save-draft", { "<Control>s", NULL } },
    { "composer.show-cc", { "<Control><Shift>c", NULL } },
    { "composer.show-bcc", { "<Control><Shift>b", NULL } },
  };
  TernUiComposer *self;
  TernMail *mail;

  g_return_val_if_fail (TERN_UI_IS_APPLICATION (application), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (application), accels[i].action, accels[i].accels);
  self = g_object_new (TERN_UI_TYPE_COMPOSER, "application", application, NULL);
  self->application = application;
  self->settings = g_object_ref (tern_ui_application_get_settings (application));
  mail = tern_ui_application_get_mail (application);
  if (mail != NULL)
    setup_mail (self, mail);
  else
    g_signal_connect_object (application, "notify::mail", G_CALLBACK (mail_loaded_cb), self, 0);
  return self;
}

static void
tern_ui_composer_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TernUiComposer *self = TERN_UI_COMPOSER (object);

  switch (prop_id)
    {
    case PROP_READY:
      g_value_set_boolean (value, self->ready);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, tern_ui_composer_get_busy (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tern_ui_composer_dispose (GObject *object)
{
  TernUiComposer *self = TERN_UI_COMPOSER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->autosave_timeout, g_source_remove);
  if (self->scroll_tick != 0 && self->body_view != NULL)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->body_view), self->scroll_tick);
  self->scroll_tick = 0;
  g_clear_handle_id (&self->scroll_recheck, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), TERN_UI_TYPE_COMPOSER);
  g_clear_object (&self->identities);
  g_clear_object (&self->mail);
  g_clear_object (&self->settings);
  g_clear_object (&self->size_account);
  g_clear_pointer (&self->signature, g_free);
  g_clear_pointer (&self->in_reply_to, g_free);
  g_clear_pointer (&self->references, g_strfreev);
  g_clear_pointer (&self->origin_message_id, g_free);
  G_OBJECT_CLASS (tern_ui_composer_parent_class)->dispose (object);
}

static void
tern_ui_composer_class_init (TernUiComposerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tern_ui_composer_dispose;
  object_class->get_property = tern_ui_composer_get_property;

  properties[PROP_READY] = g_param_spec_boolean ("ready", NULL, NULL, FALSE,
                                                 G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                                                G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (TERN_UI_TYPE_ADDRESS_ENTRY);
  g_type_ensure (TERN_UI_TYPE_ATTACHMENT_LIST);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/composer/tern-ui-composer.ui");
  gtk_widget_class_bind_template_child (widget_class, TernUiComposer, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TernUiComposer, window_title);
  gtk_widget_class_bind_template_child (widget_class, TernUiComposer, send_button);
  gtk_widget_class_bind_template_child (widget_class, TernUiComposer, status_label);
  gtk_widget_class_bind_template_child (widget_class, TernUiComposer, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, TernUiComposer, error_label);
  gtk_widget_class_bind_template_child (widget_class, TernUiComposer, from_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TernUiComposer, to_entry);
  gtk_widget_class_bind_template_child (widget_class, TernUiComposer, cc_entry);
  gtk_widget_class_bind_template_child (widget_class, TernUiComposer, bcc_entry);
  gtk_widget_class_bind_template_child (widget_class, TernUiComposer, cc_toggle);
  gtk_widget_class_bind_template_child (widget_class, TernUiComposer, bcc_toggle);
  gtk_widget_class_bind_template_child (widget_class, TernUiComposer, subject_entry);
  gtk_widget_class_bind_template_child (widget_class, TernUiComposer, body_stack);
  gtk_widget_class_bind_template_child (widget_class, TernUiComposer, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, TernUiComposer, body_view);
  gtk_widget_class_bind_template_child (widget_class, TernUiComposer, attachments);

  gtk_widget_class_install_action (widget_class, "composer.send", NULL, send_action_cb);
  gtk_widget_class_install_action (widget_class, "composer.attach", NULL, attach_action_cb);
  gtk_widget_class_install_action (widget_class, "composer.save-draft", NULL, save_draft_action_cb);
  gtk_widget_class_install_action (widget_class, "composer.discard", NULL, discard_action_cb);
  gtk_widget_class_install_action (widget_class, "composer.show-cc", NULL, show_cc_action_cb);
  gtk_widget_class_install_action (widget_class, "composer.show-bcc", NULL, show_cc_action_cb);
}

static void
tern_ui_composer_init (TernUiComposer *self)
{
  GtkTextBuffer *buffer;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  buffer = gtk_text_view_get_buffer (self->body_view);
  gtk_text_buffer_set_enable_undo (buffer, TRUE);
  set_ready (self, FALSE);

  g_signal_connect (self->to_entry, "changed", G_CALLBACK (field_changed_cb), self);
  g_signal_connect (self->cc_entry, "changed", G_CALLBACK (field_changed_cb), self);
  g_signal_connect (self->bcc_entry, "changed", G_CALLBACK (field_changed_cb), self);
  g_signal_connect (self->subject_entry, "changed", G_CALLBACK (subject_changed_cb), self);
  g_signal_connect (buffer, "changed", G_CALLBACK (buffer_changed_cb), self);
  g_signal_connect (self->attachments, "changed", G_CALLBACK (attachments_changed_cb), self);
  g_signal_connect (self->attachments, "error", G_CALLBACK (attachment_error_cb), self);
  g_signal_connect (self->from_dropdown, "notify::selected", G_CALLBACK (from_changed_cb), self);
  g_signal_connect (self, "close-request", G_CALLBACK (close_request_cb), NULL);

  /* GtkDropDown's own button would be named by its type (GTK 4.8). */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->from_dropdown)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_TOGGLE_BUTTON (child))
      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Choose the sender"), -1);

  /* Files dropped anywhere on the window are attached: in the capture phase, before
   * the text view could take them as text. */
  self->drop_target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (self->drop_target), GTK_PHASE_CAPTURE);
  g_signal_connect (self->drop_target, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (self->drop_target));
}
