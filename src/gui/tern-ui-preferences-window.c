/* tern-ui-preferences-window.c: Tern's preferences
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every row is bound to its GSettings key (g_settings_bind, or a mapping for the
 * choices), so a change applies at once and there is nothing to save.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tern-ui-preferences-window.h"

struct _TernUiPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  AdwComboRow          *mark_read_row;
  GtkSwitch            *conversations_switch;
  GtkSwitch            *subscribed_only_switch;
  AdwComboRow          *remote_content_row;
  GtkSpinButton        *interval_spin;
  GtkSwitch            *notifications_switch;
  AdwComboRow          *style_row;

  GSettings            *settings;
};

G_DEFINE_FINAL_TYPE (TernUiPreferencesWindow, tern_ui_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* The mark-read delays offered, in the combo row's order (-1: never). */
static const double mark_read_delays[] = { 0, 1, 3, 10, -1 };
static const char *remote_content[] = { "never", "ask", "always", NULL };
static const char *styles[] = { "default", "light", "dark", NULL };

static gboolean
delay_get_mapping (GValue *value, GVariant *variant, gpointer user_data)
{
  double delay = g_variant_get_double (variant);
  guint best = G_N_ELEMENTS (mark_read_delays) - 1;

  /* The nearest delay offered (a value set elsewhere may be between two). */
  if (delay >= 0)
    for (guint i = 0; i + 1 < G_N_ELEMENTS (mark_read_delays); i++)
      if (best == G_N_ELEMENTS (mark_read_delays) - 1 ||
          ABS (mark_read_delays[i] - delay) < ABS (mark_read_delays[best] - delay))
        best = i;
  g_value_set_uint (value, best);
  return TRUE;
}

static GVariant *
delay_set_mapping (const GValue *value, const GVariantType *type, gpointer user_data)
{
  guint selected = g_value_get_uint (value);

  return g_variant_new_double (mark_read_delays[MIN (selected, G_N_ELEMENTS (mark_read_delays) - 1)]);
}

static gboolean
choice_get_mapping (GValue *value, GVariant *variant, gpointer user_data)
{
  const char **choices = user_data;
  const char *choice = g_variant_get_string (variant, NULL);

  for (guint i = 0; choices[i] != NULL; i++)
    if (g_str_equal (choice, choices[i]))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
choice_set_mapping (const GValue *value, const GVariantType *type, gpointer user_data)
{
  const char **choices = user_data;
  guint selected = g_value_get_uint (value);

  for (guint i = 0; choices[i] != NULL; i++)
    if (i == selected)
      return g_variant_new_string (choices[i]);
  return g_variant_new_string (choices[0]);
}

static void
tern_ui_preferences_window_dispose (GObject *object)
{
  TernUiPreferencesWindow *self = TERN_UI_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TERN_UI_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (tern_ui_preferences_window_parent_class)->dispose (object);
}

static void
tern_ui_preferences_window_class_init (TernUiPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tern_ui_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/tern-ui-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TernUiPreferencesWindow, mark_read_row);
  gtk_widget_class_bind_template_child (widget_class, TernUiPreferencesWindow, conversations_switch);
  gtk_widget_class_bind_template_child (widget_class, TernUiPreferencesWindow, subscribed_only_switch);
  gtk_widget_class_bind_template_child (widget_class, TernUiPreferencesWindow, remote_content_row);
  gtk_widget_class_bind_template_child (widget_class, TernUiPreferencesWindow, interval_spin);
  gtk_widget_class_bind_template_child (widget_class, TernUiPreferencesWindow, notifications_switch);
  gtk_widget_class_bind_template_child (widget_class, TernUiPreferencesWindow, style_row);
}

static void
tern_ui_preferences_window_init (TernUiPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * tern_ui_preferences_window_new:
 * @parent: (nullable): the main window
 * @settings: the application's settings
 *
 * Returns: (transfer floating): the preferences, bound to @settings
 */
TernUiPreferencesWindow *
tern_ui_preferences_window_new (GtkWindow *parent, GSettings *settings)
{
  TernUiPreferencesWindow *self = g_object_new (TERN_UI_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);

  self->settings = g_object_ref (settings);
  g_settings_bind_with_mapping (settings, "mark-read-delay", self->mark_read_row, "selected", G_SETTINGS_BIND_DEFAULT,
                                delay_get_mapping, delay_set_mapping, NULL, NULL);
  g_settings_bind (settings, "conversations", self->conversations_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "subscribed-only", self->subscribed_only_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (settings, "show-remote-images", self->remote_content_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, choice_get_mapping, choice_set_mapping,
                                (gpointer) remote_content, NULL);
  g_settings_bind (settings, "sync-interval-minutes", gtk_spin_button_get_adjustment (self->interval_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "notifications", self->notifications_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (settings, "style-variant", self->style_row, "selected", G_SETTINGS_BIND_DEFAULT,
                                choice_get_mapping, choice_set_mapping, (gpointer) styles, NULL);
  return self;
}
