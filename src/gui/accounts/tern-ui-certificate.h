/* tern-ui-certificate.h: a server certificate shown to a person
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tern-diagnosis.h"

G_BEGIN_DECLS

char *tern_ui_certificate_describe_errors (GTlsCertificateFlags  flags);
void  tern_ui_certificate_fill_list       (GtkListBox           *list,
                                           TernDiagnosis        *diagnosis);
void  tern_ui_certificate_add_row         (GtkListBox           *list,
                                           const char           *title,
                                           const char           *value);

G_END_DECLS
