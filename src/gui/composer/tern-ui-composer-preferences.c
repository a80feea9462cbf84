/* tern-ui-composer-preferences.c: the Composing page of the preferences
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The time to undo sending, where the signature goes in a reply, and each identity
 * (every account's address, and the ones added to it) with its signature. Bound to
 * GSettings: what is changed applies at once, there is nothing to save.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tern-ui-composer-preferences.h"
#include "tern-ui-identity.h"

struct _TernUiComposerPreferences
{
  AdwPreferencesPage  parent_instance;

  GSettings          *settings;
  TernMail           *mail;
  AdwPreferencesGroup *identities_group;
  GPtrArray          *identity_rows;   /* the rows added to identities_group */
  AdwEntryRow        *new_name;
  AdwEntryRow        *new_address;
  AdwComboRow        *new_account;
};

G_DEFINE_FINAL_TYPE (TernUiComposerPreferences, tern_ui_composer_preferences, ADW_TYPE_PREFERENCES_PAGE)

static void rebuild_identities (TernUiComposerPreferences *self);

/* ---- the signature of an identity ------------------------------------------------------ */

static void
signature_changed_cb (GtkTextBuffer *buffer, TernUiComposerPreferences *self)
{
  const char *address = g_object_get_data (G_OBJECT (buffer), "tern-address");
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  tern_ui_identity_set_signature (self->settings, address, text);
}

static void
remove_clicked_cb (GtkButton *button, TernUiComposerPreferences *self)
{
  tern_ui_identity_remove (self->settings, g_object_get_data (G_OBJECT (button), "tern-address"));
  tern_ui_identity_sync_engine (self->mail, self->settings);
  rebuild_identities (self);
}

static GtkWidget *
identity_row_new (TernUiComposerPreferences *self, TernUiIdentity *identity)
{
  g_autofree char *from = tern_ui_identity_dup_from (identity);
  g_autofree char *from_markup = g_markup_escape_text (from, -1);
  g_autofree char *signature_label = g_strdup_printf (_("Signature of %s"), tern_ui_identity_get_address (identity));
  GtkWidget *row = adw_expander_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label = gtk_label_new (_("Signature"));
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkWidget *view = gtk_text_view_new ();
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  const char *signature = tern_ui_identity_get_signature (identity);
  TernMailAccount *account = tern_ui_identity_get_account (identity);

  /* AdwExpanderRow 1.2 takes markup whatever use-markup says: escaped. */
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), from_markup);
  if (!tern_ui_identity_get_is_account (identity))
    {
      g_autofree char *subtitle = g_strdup_printf (_("Sent through %s"), tern_mail_account_get_email (account));
      g_autofree char *subtitle_markup = g_markup_escape_text (subtitle, -1);

      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle_markup);
    }
  else
    adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), _("The account’s own address"));
  /* Its name for screen readers, as written. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, from, -1);

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 6);
  gtk_widget_set_size_request (view, -1, 80);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, signature_label, -1);
  gtk_text_buffer_set_text (buffer, signature != NULL ? signature : "", -1);
  g_object_set_data_full (G_OBJECT (buffer), "tern-address", g_strdup (tern_ui_identity_get_address (identity)),
                          g_free);
  g_signal_connect (buffer, "changed", G_CALLBACK (signature_changed_cb), self);
  gtk_frame_set_child (GTK_FRAME (frame), view);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), frame);
  if (!tern_ui_identity_get_is_account (identity))
    {
      GtkWidget *remove = gtk_button_new_with_mnemonic (_("_Remove Identity"));

      gtk_widget_set_halign (remove, GTK_ALIGN_END);
      gtk_widget_add_css_class (remove, "destructive-action");
      g_object_set_data_full (G_OBJECT (remove), "tern-address", g_strdup (tern_ui_identity_get_address (identity)),
                              g_free);
      g_signal_connect (remove, "clicked", G_CALLBACK (remove_clicked_cb), self);
      gtk_box_append (GTK_BOX (box), remove);
    }
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), box);
  return row;
}

static void
rebuild_identities (TernUiComposerPreferences *self)
{
  g_autoptr(GListStore) identities = NULL;

  for (guint i = 0; i < self->identity_rows->len; i++)
    adw_preferences_group_remove (self->identities_group, g_ptr_array_index (self->identity_rows, i));
  g_ptr_array_set_size (self->identity_rows, 0);
  if (self->mail == NULL)
    return;
  identities = tern_ui_identity_list_new (self->mail, self->settings);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (identities)); i++)
    {
      g_autoptr(TernUiIdentity) identity = g_list_model_get_item (G_LIST_MODEL (identities), i);
      GtkWidget *row = identity_row_new (self, identity);

      adw_preferences_group_add (self->identities_group, row);
      g_ptr_array_add (self->identity_rows, row);
    }
}

/* ---- a new identity ------------------------------------------------------------------------ */

static void
add_identity_cb (GtkButton *button, TernUiComposerPreferences *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->new_name));
  const char *address = gtk_editable_get_text (GTK_EDITABLE (self->new_address));
  GtkStringObject *account = adw_combo_row_get_selected_item (self->new_account);

  if (!tern_outbox_address_is_valid (address) || account == NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->new_address), "error");
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->new_address), "error");
  tern_ui_identity_add (self->settings, gtk_string_object_get_string (account), name, address);
  tern_ui_identity_sync_engine (self->mail, self->settings);
  gtk_editable_set_text (GTK_EDITABLE (self->new_name), "");
  gtk_editable_set_text (GTK_EDITABLE (self->new_address), "");
  rebuild_identities (self);
}

/* ---- the page ---------------------------------------------------------------------------------- */

static gboolean
position_get_mapping (GValue *value, GVariant *variant, gpointer user_data)
{
  g_value_set_uint (value, g_strcmp0 (g_variant_get_string (variant, NULL), "below") == 0 ? 1 : 0);
  return TRUE;
}

static GVariant *
position_set_mapping (const GValue *value, const GVariantType *type, gpointer user_data)
{
  return g_variant_new_string (g_value_get_uint (value) == 1 ? "below" : "above");
}

static void
tern_ui_composer_preferences_dispose (GObject *object)
{
  TernUiComposerPreferences *self = TERN_UI_COMPOSER_PREFERENCES (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->mail);
  g_clear_pointer (&self->identity_rows, g_ptr_array_unref);
  G_OBJECT_CLASS (tern_ui_composer_preferences_parent_class)->dispose (object);
}

static void
tern_ui_composer_preferences_class_init (TernUiComposerPreferencesClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = tern_ui_composer_preferences_dispose;
}

static void
tern_ui_composer_preferences_init (TernUiComposerPreferences *self)
{
  self->identity_rows = g_ptr_array_new ();
}

/**
 * tern_ui_composer_preferences_new:
 * @mail: (nullable): the engine (its accounts), or %NULL while it loads
 *
 * Returns: (transfer floating): the Composing page
 */
AdwPreferencesPage *
tern_ui_composer_preferences_new (GSettings *settings, TernMail *mail)
{
  TernUiComposerPreferences *self = g_object_new (TERN_UI_TYPE_COMPOSER_PREFERENCES,
                                                  "title", _("Composing"),
                                                  "icon-name", "mail-message-new-symbolic",
                                                  NULL);
  AdwPreferencesGroup *sending = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *add = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  GtkWidget *delay_row = adw_action_row_new ();
  GtkWidget *delay = gtk_spin_button_new_with_range (0, 60, 1);
  GtkWidget *position = adw_combo_row_new ();
  const char *positions[] = { N_("Above the Quote"), N_("Below the Quote"), NULL };
  g_autoptr(GtkStringList) position_names = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) account_names = gtk_string_list_new (NULL);
  GtkWidget *add_button = gtk_button_new_with_mnemonic (_("_Add Identity"));

  self->settings = g_object_ref (settings);
  self->mail = mail != NULL ? g_object_ref (mail) : NULL;

  adw_preferences_group_set_title (sending, _("Sending"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (delay_row), _("Time to _Undo Sending"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (delay_row), TRUE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (delay_row),
                               _("Seconds a message waits after Send, while Undo can take it back"));
  gtk_widget_set_valign (delay, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (delay_row), delay);
  /* Named by the row's title (the activatable widget is labelled by it). */
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (delay_row), delay);
  g_settings_bind (settings, "undo-send-delay", gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (delay)), "value",
                   G_SETTINGS_BIND_DEFAULT);
  adw_preferences_group_add (sending, delay_row);

  for (guint i = 0; positions[i] != NULL; i++)
    gtk_string_list_append (position_names, _(positions[i]));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (position), _("_Signature in Replies"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (position), TRUE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (position), _("Where the reply and the signature go"));
  adw_combo_row_set_model (ADW_COMBO_ROW (position), G_LIST_MODEL (position_names));
  g_settings_bind_with_mapping (settings, "signature-position", position, "selected", G_SETTINGS_BIND_DEFAULT,
                                position_get_mapping, position_set_mapping, NULL, NULL);
  adw_preferences_group_add (sending, position);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self), sending);

  self->identities_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->identities_group, _("Identities and Signatures"));
  adw_preferences_group_set_description (self->identities_group,
                                         _("The addresses you send from, each with its signature"));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self), self->identities_group);
  rebuild_identities (self);

  adw_preferences_group_set_title (add, _("New Identity"));
  adw_preferences_group_set_description (add, _("Another address of yours, sent through one of your accounts"));
  self->new_name = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->new_name), _("Name"));
  self->new_address = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->new_address), _("Address"));
  self->new_account = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->new_account), _("Account"));
  if (mail != NULL)
    for (guint i = 0; i < g_list_model_get_n_items (tern_mail_get_accounts (mail)); i++)
      {
        g_autoptr(TernMailAccount) account = g_list_model_get_item (tern_mail_get_accounts (mail), i);
        gtk_string_list_append (account_names, tern_mail_account_get_email (account));
      }
  adw_combo_row_set_model (self->new_account, G_LIST_MODEL (account_names));
  gtk_widget_set_halign (add_button, GTK_ALIGN_END);
  gtk_widget_set_margin_top (add_button, 12);
  g_signal_connect (add_button, "clicked", G_CALLBACK (add_identity_cb), self);
  adw_preferences_group_add (add, GTK_WIDGET (self->new_name));
  adw_preferences_group_add (add, GTK_WIDGET (self->new_address));
  adw_preferences_group_add (add, GTK_WIDGET (self->new_account));
  adw_preferences_group_add (add, add_button);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self), add);
  return ADW_PREFERENCES_PAGE (self);
}
