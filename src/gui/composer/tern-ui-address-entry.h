/* tern-ui-address-entry.h: a field of addresses (To, Cc, Bcc) that completes them
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tern-mail.h"

G_BEGIN_DECLS

#define TERN_UI_TYPE_ADDRESS_ENTRY (tern_ui_address_entry_get_type ())
G_DECLARE_FINAL_TYPE (TernUiAddressEntry, tern_ui_address_entry, TERN_UI, ADDRESS_ENTRY, GtkWidget)

GtkWidget  *tern_ui_address_entry_new            (void);
void        tern_ui_address_entry_set_mail       (TernUiAddressEntry *self,
                                                  TernMail           *mail);
void        tern_ui_address_entry_set_error      (TernUiAddressEntry *self,
                                                  const char         *message);
GListModel *tern_ui_address_entry_get_matches    (TernUiAddressEntry *self);
gboolean    tern_ui_address_entry_get_completing (TernUiAddressEntry *self);
gboolean    tern_ui_address_entry_accept_match   (TernUiAddressEntry *self,
                                                  guint               position);

G_END_DECLS
