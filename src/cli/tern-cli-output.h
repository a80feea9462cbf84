/* tern-cli-output.h: what the store commands of tern-cli share: the store,
 * accounts, and printing messages as text or JSON
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "tern-store.h"

G_BEGIN_DECLS

TernStoreDb *tern_cli_output_open_store      (GError          **error);
gint64       tern_cli_output_resolve_account (TernStoreDb      *db,
                                              const char       *account,
                                              GError          **error);
GHashTable  *tern_cli_output_folder_map      (TernStoreDb      *db,
                                              GError          **error);
char        *tern_cli_output_format_date     (gint64            date,
                                              int               tz_minutes);
void         tern_cli_output_add_message     (JsonBuilder      *builder,
                                              TernStoreMessage *message,
                                              GHashTable       *folders);
char        *tern_cli_output_json_to_string  (JsonNode         *node,
                                              gboolean          pretty);
gboolean     tern_cli_output_print_json_node (JsonNode         *node,
                                              gboolean          pretty,
                                              GError          **error);
gboolean     tern_cli_output_print_json      (JsonBuilder      *builder,
                                              GError          **error);
void         tern_cli_output_json_begin      (void);
void         tern_cli_output_json_message    (TernStoreMessage *message,
                                              GHashTable       *folders,
                                              gboolean         *first);
gboolean     tern_cli_output_json_end        (GError          **error);
void         tern_cli_output_print_header    (void);
void         tern_cli_output_print_message   (TernStoreMessage *message,
                                              GHashTable       *folders);
char        *tern_cli_output_sanitize        (const char       *text);
void         tern_cli_output_install_print_handlers (void);
gboolean     tern_cli_output_parse_args      (GOptionContext   *context,
                                              const char       *command,
                                              int              *argc,
                                              char           ***argv);

G_END_DECLS
