/* tern-ui-reader-pane.c: the reader's side of the window, yielding width to the lists
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A bin whose natural width is its minimum width. The window's outer AdwLeaflet shares
 * the width beyond the panes' minimum sizes by their natural sizes, the smallest wish
 * first: a reader that wished for more than it needs (its header bar does, and more while
 * the window is folded and shows its title buttons and Back) took the width the folder
 * list and the message list needed to stay side by side, and the inner leaflet folded at
 * the default window size. Wishing for nothing more, the reader leaves the lists their
 * natural width first and, as it expands, then gets all that is left.
 */
#include "config.h"

#include "tern-ui-reader-pane.h"

struct _TernUiReaderPane
{
  GtkWidget  parent_instance;

  GtkWidget *child;
};

enum {
  PROP_0,
  PROP_CHILD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void tern_ui_reader_pane_buildable_init (GtkBuildableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TernUiReaderPane, tern_ui_reader_pane, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_BUILDABLE, tern_ui_reader_pane_buildable_init))

static GtkBuildableIface *parent_buildable_iface;

static void
tern_ui_reader_pane_buildable_add_child (GtkBuildable *buildable,
                                         GtkBuilder   *builder,
                                         GObject      *child,
                                         const char   *type)
{
  if (GTK_IS_WIDGET (child))
    tern_ui_reader_pane_set_child (TERN_UI_READER_PANE (buildable), GTK_WIDGET (child));
  else
    parent_buildable_iface->add_child (buildable, builder, child, type);
}

static void
tern_ui_reader_pane_buildable_init (GtkBuildableIface *iface)
{
  parent_buildable_iface = g_type_interface_peek_parent (iface);
  iface->add_child = tern_ui_reader_pane_buildable_add_child;
}

static void
tern_ui_reader_pane_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  TernUiReaderPane *self = TERN_UI_READER_PANE (widget);

  *minimum = *natural = 0;
  if (self->child == NULL || !gtk_widget_should_layout (self->child))
    return;
  gtk_widget_measure (self->child, orientation, for_size, minimum, natural, minimum_baseline, natural_baseline);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *natural = *minimum;
}

static void
tern_ui_reader_pane_size_allocate (GtkWidget *widget,
                                   int        width,
                                   int        height,
                                   int        baseline)
{
  TernUiReaderPane *self = TERN_UI_READER_PANE (widget);

  if (self->child != NULL && gtk_widget_should_layout (self->child))
    gtk_widget_allocate (self->child, width, height, baseline, NULL);
}

static GtkSizeRequestMode
tern_ui_reader_pane_get_request_mode (GtkWidget *widget)
{
  TernUiReaderPane *self = TERN_UI_READER_PANE (widget);

  return self->child != NULL ? gtk_widget_get_request_mode (self->child) : GTK_SIZE_REQUEST_CONSTANT_SIZE;
}

static void
tern_ui_reader_pane_dispose (GObject *object)
{
  TernUiReaderPane *self = TERN_UI_READER_PANE (object);

  g_clear_pointer (&self->child, gtk_widget_unparent);

  G_OBJECT_CLASS (tern_ui_reader_pane_parent_class)->dispose (object);
}

static void
tern_ui_reader_pane_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TernUiReaderPane *self = TERN_UI_READER_PANE (object);

  switch (prop_id)
    {
    case PROP_CHILD:
      g_value_set_object (value, self->child);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tern_ui_reader_pane_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  TernUiReaderPane *self = TERN_UI_READER_PANE (object);

  switch (prop_id)
    {
    case PROP_CHILD:
      tern_ui_reader_pane_set_child (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tern_ui_reader_pane_class_init (TernUiReaderPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tern_ui_reader_pane_dispose;
  object_class->get_property = tern_ui_reader_pane_get_property;
  object_class->set_property = tern_ui_reader_pane_set_property;
  widget_class->measure = tern_ui_reader_pane_measure;
  widget_class->size_allocate = tern_ui_reader_pane_size_allocate;
  widget_class->get_request_mode = tern_ui_reader_pane_get_request_mode;

  properties[PROP_CHILD] = g_param_spec_object ("child", NULL, NULL, GTK_TYPE_WIDGET,
                                                G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tern_ui_reader_pane_init (TernUiReaderPane *self)
{
}

/**
 * tern_ui_reader_pane_get_child:
 *
 * Returns: (transfer none) (nullable): the pane's one child
 */
GtkWidget *
tern_ui_reader_pane_get_child (TernUiReaderPane *self)
{
  g_return_val_if_fail (TERN_UI_IS_READER_PANE (self), NULL);

  return self->child;
}

void
tern_ui_reader_pane_set_child (TernUiReaderPane *self,
                               GtkWidget        *child)
{
  g_return_if_fail (TERN_UI_IS_READER_PANE (self));
  g_return_if_fail (child == NULL || GTK_IS_WIDGET (child));

  if (self->child == child)
    return;
  g_clear_pointer (&self->child, gtk_widget_unparent);
  if (child != NULL)
    {
      self->child = child;
      gtk_widget_set_parent (child, GTK_WIDGET (self));
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHILD]);
}
