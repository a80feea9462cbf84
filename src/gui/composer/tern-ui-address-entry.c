/* tern-ui-address-entry.c: a field of addresses (To, Cc, Bcc) that completes them
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GtkText (the entry's GtkEditable, by delegation, so that it is an entry to GTK,
 * to the tests and to screen readers) and, below it, a popover of the correspondents
 * that match the address being typed (the text after the last comma or semicolon),
 * those one wrote to most first: tern_mail_complete_address_async() on a store
 * worker, 150 ms after the last key. Down and Up choose in the list, Enter or Tab
 * take the choice ("Name <address>, "), Escape closes it; a click takes it too. The
 * popover does not take the focus (autohide off), so typing goes on.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "tern-ui-address-entry.h"

#define COMPLETE_DELAY_MS 150
#define MAX_MATCHES 8

struct _TernUiAddressEntry
{
  GtkWidget           parent_instance;

  GtkWidget          *text;
  GtkWidget          *popover;
  GtkListView        *list;
  GListStore         *matches;     /* GtkStringObject: "Name <address>" */
  GtkSingleSelection *selection;

  TernMail           *mail;
  GCancellable       *cancellable;
  guint               timeout;
  gboolean            accepting;   /* the text changes because a match was taken */
  gboolean            completing;  /* a query runs */
};

static void tern_ui_address_entry_editable_init (GtkEditableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TernUiAddressEntry, tern_ui_address_entry, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_EDITABLE, tern_ui_address_entry_editable_init))

enum { PROP_0, PROP_COMPLETING, N_PROPS };
static GParamSpec *properties[N_PROPS];
static guint completing_prop_id;   /* after GtkEditable's properties */

GtkWidget *
tern_ui_address_entry_new (void)
{
  return g_object_new (TERN_UI_TYPE_ADDRESS_ENTRY, NULL);
}

static GtkEditable *
get_delegate (GtkEditable *editable)
{
  return GTK_EDITABLE (TERN_UI_ADDRESS_ENTRY (editable)->text);
}

static void
tern_ui_address_entry_editable_init (GtkEditableInterface *iface)
{
  iface->get_delegate = get_delegate;
}

/* ---- the token being typed ------------------------------------------------------------ */

/* Where the address being typed starts: after the last separator outside quotes. */
static gsize
token_start (const char *text)
{
  gboolean quoted = FALSE;
  gsize start = 0;

  for (gsize i = 0; text[i] != '\0'; i++)
    {
      if (text[i] == '"')
        quoted = !quoted;
      else if (!quoted && (text[i] == ',' || text[i] == ';'))
        start = i + 1;
    }
  while (text[start] == ' ')
    start++;
  return start;
}

static void
hide_matches (TernUiAddressEntry *self)
{
  g_clear_handle_id (&self->timeout, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->completing)
    {
      self->completing = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETING]);
    }
  g_list_store_remove_all (self->matches);
  gtk_popover_popdown (GTK_POPOVER (self->popover));
}

static void
complete_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernUiAddressEntry) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;
  const char *text;
  g_autoptr(GPtrArray) items = NULL;

  /* The task is the store's (the completion runs on a store worker). */
  found = tern_store_run_finish (TERN_STORE (source), result, &error);
  if (found == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Address completion failed: %s", error->message);
      return;
    }
  self->completing = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETING]);
  /* Addresses already in the field are not offered again. */
  text = gtk_editable_get_text (GTK_EDITABLE (self));
  items = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < found->len; i++)
    {
      TernStoreCorrespondent *c = g_ptr_array_index (found, i);
      g_autofree char *lower_text = g_utf8_strdown (text, token_start (text));
      g_autofree char *lower_address = g_utf8_strdown (c->address, -1);

      if (strstr (lower_text, lower_address) == NULL)
        {
          g_autofree char *display = tern_store_correspondent_to_string (c);
          g_ptr_array_add (items, gtk_string_object_new (display));
        }
    }
  g_list_store_splice (self->matches, 0, g_list_model_get_n_items (G_LIST_MODEL (self->matches)), items->pdata,
                       items->len);
  /* Not on a window being closed or sent: showing the popover would realize it again. */
  if (items->len > 0 && gtk_widget_has_focus (self->text) && gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      gtk_single_selection_set_selected (self->selection, 0);
      gtk_popover_popup (GTK_POPOVER (self->popover));
    }
  else
    gtk_popover_popdown (GTK_POPOVER (self->popover));
}

static gboolean
complete_timeout_cb (gpointer user_data)
{
  TernUiAddressEntry *self = user_data;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self));
  const char *token = text + token_start (text);

  self->timeout = 0;
  /* Only while typing at the end (the cursor has moved by now), in a window shown. */
  if (self->mail == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)) || g_utf8_strlen (token, -1) < 1 ||
      gtk_editable_get_position (GTK_EDITABLE (self)) < (int) g_utf8_strlen (text, -1))
    {
      hide_matches (self);
      return G_SOURCE_REMOVE;
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->completing = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETING]);
  tern_mail_complete_address_async (self->mail, token, MAX_MATCHES, self->cancellable, complete_done_cb,
                                    g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
text_changed_cb (GtkEditable *editable, TernUiAddressEntry *self)
{
  const char *text = gtk_editable_get_text (editable);

  gtk_widget_remove_css_class (GTK_WIDGET (self), "error");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), NULL);
  if (self->accepting)
    return;
  g_clear_handle_id (&self->timeout, g_source_remove);
  /* Not right after a separator. */
  if (*text == '\0' || text[token_start (text)] == '\0')
    {
      hide_matches (self);
      return;
    }
  self->timeout = g_timeout_add (COMPLETE_DELAY_MS, complete_timeout_cb, self);
}

/**
 * tern_ui_address_entry_accept_match:
 * @position: a match of tern_ui_address_entry_get_matches()
 *
 * Puts the match in place of the address being typed, followed by ", ".
 */
gboolean
tern_ui_address_entry_accept_match (TernUiAddressEntry *self, guint position)
{
  g_autoptr(GtkStringObject) match = NULL;
  g_autofree char *text = NULL;
  g_autofree char *replaced = NULL;
  gsize start;

  g_return_val_if_fail (TERN_UI_IS_ADDRESS_ENTRY (self), FALSE);

  match = g_list_model_get_item (G_LIST_MODEL (self->matches), position);
  if (match == NULL)
    return FALSE;
  text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self)));
  start = token_start (text);
  text[start] = '\0';
  replaced = g_strdup_printf ("%s%s%s, ", text, start > 0 && text[start - 1] != ' ' ? " " : "",
                              gtk_string_object_get_string (match));
  self->accepting = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self), replaced);
  gtk_editable_set_position (GTK_EDITABLE (self), -1);
  self->accepting = FALSE;
  hide_matches (self);
  return TRUE;
}

static void
list_activate_cb (GtkListView *list, guint position, TernUiAddressEntry *self)
{
  tern_ui_address_entry_accept_match (self, position);
  gtk_widget_grab_focus (self->text);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller, guint keyval, guint keycode, GdkModifierType state,
                TernUiAddressEntry *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->matches));
  guint selected = gtk_single_selection_get_selected (self->selection);

  if (!gtk_widget_get_visible (self->popover) || n == 0)
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      gtk_single_selection_set_selected (self->selection, selected == GTK_INVALID_LIST_POSITION ? 0
                                                                                                : (selected + 1) % n);
      return TRUE;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      gtk_single_selection_set_selected (self->selection, selected == GTK_INVALID_LIST_POSITION || selected == 0
                                                            ? n - 1 : selected - 1);
      return TRUE;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
    case GDK_KEY_Tab:
      if (selected != GTK_INVALID_LIST_POSITION)
        return tern_ui_address_entry_accept_match (self, selected);
      return FALSE;
    case GDK_KEY_Escape:
      hide_matches (self);
      return TRUE;
    default:
      return FALSE;
    }
}

static void
focus_leave_cb (GtkEventControllerFocus *controller, TernUiAddressEntry *self)
{
  hide_matches (self);
}

/* ---- the rows of the popover ------------------------------------------------------------- */

static void
setup_row_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 50);
  gtk_widget_set_margin_start (label, 6);
  gtk_widget_set_margin_end (label, 6);
  gtk_list_item_set_child (item, label);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GtkStringObject *match = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  const char *text = gtk_string_object_get_string (match);

  gtk_label_set_text (GTK_LABEL (label), text);
  /* The row's name for screen readers (gtk_list_item_set_accessible_label is 4.12). */
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (label)), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  text, -1);
}

/* ---- the widget ---------------------------------------------------------------------------- */

/**
 * tern_ui_address_entry_set_mail:
 * @mail: (nullable): where the matches come from
 */
void
tern_ui_address_entry_set_mail (TernUiAddressEntry *self, TernMail *mail)
{
  g_return_if_fail (TERN_UI_IS_ADDRESS_ENTRY (self));
  g_set_object (&self->mail, mail);
}

/**
 * tern_ui_address_entry_set_error:
 * @message: (nullable): what is wrong with the addresses, or %NULL when nothing is
 *
 * Marks the field (the `error` style, the message as its tooltip and description).
 */
void
tern_ui_address_entry_set_error (TernUiAddressEntry *self, const char *message)
{
  g_return_if_fail (TERN_UI_IS_ADDRESS_ENTRY (self));

  /* The matches would hide the field and its error. */
  hide_matches (self);
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "error");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), message);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  message != NULL ? message : "", -1);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_INVALID,
                               message != NULL ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE, -1);
}

/**
 * tern_ui_address_entry_get_matches:
 *
 * Returns: (transfer none): the matches shown (GtkStringObject), best first
 */
GListModel *
tern_ui_address_entry_get_matches (TernUiAddressEntry *self)
{
  g_return_val_if_fail (TERN_UI_IS_ADDRESS_ENTRY (self), NULL);
  return G_LIST_MODEL (self->matches);
}

/**
 * tern_ui_address_entry_get_completing:
 *
 * Returns: whether a completion waits for its matches
 */
gboolean
tern_ui_address_entry_get_completing (TernUiAddressEntry *self)
{
  g_return_val_if_fail (TERN_UI_IS_ADDRESS_ENTRY (self), FALSE);
  return self->completing || self->timeout != 0;
}

static void
tern_ui_address_entry_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                               int *natural, int *minimum_baseline, int *natural_baseline)
{
  gtk_widget_measure (TERN_UI_ADDRESS_ENTRY (widget)->text, orientation, for_size, minimum, natural,
                      minimum_baseline, natural_baseline);
}

static void
tern_ui_address_entry_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  TernUiAddressEntry *self = TERN_UI_ADDRESS_ENTRY (widget);

  gtk_widget_size_allocate (self->text, &(GtkAllocation) { 0, 0, width, height }, baseline);
  gtk_widget_set_size_request (self->popover, width, -1);
  gtk_popover_present (GTK_POPOVER (self->popover));
}

static gboolean
tern_ui_address_entry_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (TERN_UI_ADDRESS_ENTRY (widget)->text);
}

static void
tern_ui_address_entry_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  if (gtk_editable_delegate_set_property (object, prop_id, value, pspec))
    return;
  G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
tern_ui_address_entry_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  if (gtk_editable_delegate_get_property (object, prop_id, value, pspec))
    return;
  if (prop_id == completing_prop_id)
    {
      g_value_set_boolean (value, tern_ui_address_entry_get_completing (TERN_UI_ADDRESS_ENTRY (object)));
      return;
    }
  G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
tern_ui_address_entry_dispose (GObject *object)
{
  TernUiAddressEntry *self = TERN_UI_ADDRESS_ENTRY (object);

  g_clear_handle_id (&self->timeout, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->text != NULL)
    gtk_editable_finish_delegate (GTK_EDITABLE (self));
  g_clear_pointer (&self->text, gtk_widget_unparent);
  g_clear_pointer (&self->popover, gtk_widget_unparent);
  g_clear_object (&self->matches);
  g_clear_object (&self->selection);
  g_clear_object (&self->mail);
  G_OBJECT_CLASS (tern_ui_address_entry_parent_class)->dispose (object);
}

/* Hidden (the window closed or sent): no completion comes back into it. */
static void
tern_ui_address_entry_unmap (GtkWidget *widget)
{
  TernUiAddressEntry *self = TERN_UI_ADDRESS_ENTRY (widget);

  if (self->popover != NULL && self->matches != NULL)
    hide_matches (self);
  GTK_WIDGET_CLASS (tern_ui_address_entry_parent_class)->unmap (widget);
}

static void
tern_ui_address_entry_class_init (TernUiAddressEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  guint n_editable;

  object_class->dispose = tern_ui_address_entry_dispose;
  object_class->set_property = tern_ui_address_entry_set_property;
  object_class->get_property = tern_ui_address_entry_get_property;
  widget_class->measure = tern_ui_address_entry_measure;
  widget_class->size_allocate = tern_ui_address_entry_size_allocate;
  widget_class->grab_focus = tern_ui_address_entry_grab_focus;
  widget_class->unmap = tern_ui_address_entry_unmap;

  n_editable = gtk_editable_install_properties (object_class, 1);
  completing_prop_id = 1 + n_editable;
  properties[PROP_COMPLETING] = g_param_spec_boolean ("completing", NULL, NULL, FALSE,
                                                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_property (object_class, completing_prop_id, properties[PROP_COMPLETING]);

  /* Styled and announced as an entry (its GtkText is the editable part). */
  gtk_widget_class_set_css_name (widget_class, "entry");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_TEXT_BOX);
}

static void
tern_ui_address_entry_init (TernUiAddressEntry *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkEventController *controller;

  self->text = gtk_text_new ();
  gtk_widget_set_hexpand (self->text, TRUE);
  gtk_widget_set_parent (self->text, GTK_WIDGET (self));
  gtk_editable_init_delegate (GTK_EDITABLE (self));
  gtk_text_set_input_purpose (GTK_TEXT (self->text), GTK_INPUT_PURPOSE_EMAIL);
  g_signal_connect (self, "changed", G_CALLBACK (text_changed_cb), self);

  self->matches = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->matches)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), NULL);
  self->list = GTK_LIST_VIEW (gtk_list_view_new (g_object_ref (GTK_SELECTION_MODEL (self->selection)), factory));
  gtk_list_view_set_single_click_activate (self->list, TRUE);
  /* A click takes a match without taking the focus from the field. */
  gtk_widget_set_can_focus (GTK_WIDGET (self->list), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "navigation-sidebar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Matching addresses"), -1);
  g_signal_connect (self->list, "activate", G_CALLBACK (list_activate_cb), self);

  self->popover = gtk_popover_new ();
  gtk_popover_set_autohide (GTK_POPOVER (self->popover), FALSE);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->popover), FALSE);
  gtk_popover_set_position (GTK_POPOVER (self->popover), GTK_POS_BOTTOM);
  gtk_widget_set_halign (self->popover, GTK_ALIGN_START);
  gtk_popover_set_child (GTK_POPOVER (self->popover), GTK_WIDGET (self->list));
  gtk_widget_set_parent (self->popover, GTK_WIDGET (self));

  /* Before the GtkText sees the keys: they choose in the list while it shows. */
  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
  controller = gtk_event_controller_focus_new ();
  g_signal_connect (controller, "leave", G_CALLBACK (focus_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}
