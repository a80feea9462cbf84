/* tern-ui-wrap-layout.c: children left to right, wrapped into lines (addresses)
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GtkFlowBox aligns its children in columns (and wraps each in a focusable
 * GtkFlowBoxChild); a list of addresses wants them one after the other like
 * words. AdwWrapBox does this from libadwaita 1.7; until then, this.
 */
#include "config.h"

#include "tern-ui-wrap-layout.h"

struct _TernUiWrapLayout
{
  GtkLayoutManager parent_instance;

  int              spacing;
  int              line_spacing;
};

G_DEFINE_FINAL_TYPE (TernUiWrapLayout, tern_ui_wrap_layout, GTK_TYPE_LAYOUT_MANAGER)

static int
child_width (GtkWidget *child, int available)
{
  int min, nat;

  gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
  return available >= 0 ? MAX (min, MIN (nat, available)) : nat;
}

static int
child_height (GtkWidget *child, int width)
{
  int min, nat;

  gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, width, &min, &nat, NULL, NULL);
  return nat;
}

/* Lays the children out in @width (or one line for -1); allocates them when
 * @allocate; returns the height. */
static int
flow (TernUiWrapLayout *self, GtkWidget *widget, int width, gboolean allocate)
{
  int x = 0, y = 0, line_height = 0;
  GtkWidget *line_start = NULL;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      int w, h;

      if (!gtk_widget_should_layout (child))
        continue;
      w = child_width (child, width);
      if (line_start != NULL && width >= 0 && x + w > width)
        {
          y += line_height + self->line_spacing;
          x = 0;
          line_height = 0;
          line_start = NULL;
        }
      if (line_start == NULL)
        line_start = child;
      h = child_height (child, w);
      line_height = MAX (line_height, h);
      if (allocate)
        gtk_widget_size_allocate (child, &(GtkAllocation) { x, y, w, h }, -1);
      x += w + self->spacing;
    }
  return y + line_height;
}

static GtkSizeRequestMode
tern_ui_wrap_layout_get_request_mode (GtkLayoutManager *manager,
                                      GtkWidget        *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
tern_ui_wrap_layout_measure (GtkLayoutManager *manager,
                             GtkWidget        *widget,
                             GtkOrientation    orientation,
                             int               for_size,
                             int              *minimum,
                             int              *natural,
                             int              *minimum_baseline,
                             int              *natural_baseline)
{
  TernUiWrapLayout *self = TERN_UI_WRAP_LAYOUT (manager);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      int min = 0, nat = 0, n = 0;

      for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
        {
          int cmin, cnat;

          if (!gtk_widget_should_layout (child))
            continue;
          gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &cmin, &cnat, NULL, NULL);
          min = MAX (min, cmin);
          nat += cnat + (n++ > 0 ? self->spacing : 0);
        }
      *minimum = min;
      *natural = nat;
    }
  else
    {
      int h = flow (self, widget, for_size, FALSE);

      *minimum = h;
      *natural = h;
    }
}

static void
tern_ui_wrap_layout_allocate (GtkLayoutManager *manager,
                              GtkWidget        *widget,
                              int               width,
                              int               height,
                              int               baseline)
{
  flow (TERN_UI_WRAP_LAYOUT (manager), widget, width, TRUE);
}

static void
tern_ui_wrap_layout_class_init (TernUiWrapLayoutClass *klass)
{
  GtkLayoutManagerClass *layout_class = GTK_LAYOUT_MANAGER_CLASS (klass);

  layout_class->get_request_mode = tern_ui_wrap_layout_get_request_mode;
  layout_class->measure = tern_ui_wrap_layout_measure;
  layout_class->allocate = tern_ui_wrap_layout_allocate;
}

static void
tern_ui_wrap_layout_init (TernUiWrapLayout *self)
{
}

/**
 * tern_ui_wrap_layout_new:
 * @spacing: pixels between children on a line
 * @line_spacing: pixels between lines
 *
 * Returns: (transfer full): the layout manager
 */
GtkLayoutManager *
tern_ui_wrap_layout_new (int spacing, int line_spacing)
{
  TernUiWrapLayout *self = g_object_new (TERN_UI_TYPE_WRAP_LAYOUT, NULL);

  self->spacing = spacing;
  self->line_spacing = line_spacing;
  return GTK_LAYOUT_MANAGER (self);
}
