/* tern-imap-command.h: one IMAP command, built from typed arguments, and its outcome
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-imap-response.h"
#include "tern-imap-types.h"

G_BEGIN_DECLS

/**
 * TernImapUntaggedFunc:
 * @command: the command in progress
 * @response: an untagged response that arrived while @command was in progress
 *
 * Returns: %TRUE when the response belongs to @command (it is then not delivered
 *   elsewhere)
 */
typedef gboolean (*TernImapUntaggedFunc) (TernImapCommand  *command,
                                          TernImapResponse *response,
                                          gpointer          user_data);

#define TERN_IMAP_TYPE_COMMAND (tern_imap_command_get_type ())

GType              tern_imap_command_get_type        (void) G_GNUC_CONST;
TernImapCommand   *tern_imap_command_new             (const char       *name);
TernImapCommand   *tern_imap_command_ref             (TernImapCommand  *self);
void               tern_imap_command_unref           (TernImapCommand  *self);

void               tern_imap_command_add_atom        (TernImapCommand  *self,
                                                      const char       *atom);
void               tern_imap_command_add_number      (TernImapCommand  *self,
                                                      guint64           number);
void               tern_imap_command_add_string      (TernImapCommand  *self,
                                                      const char       *string);
void               tern_imap_command_add_secret      (TernImapCommand  *self,
                                                      const char       *secret);
void               tern_imap_command_add_literal     (TernImapCommand  *self,
                                                      GBytes           *data);
void               tern_imap_command_add_mailbox     (TernImapCommand  *self,
                                                      const char       *utf8_name);
void               tern_imap_command_add_raw         (TernImapCommand  *self,
                                                      const char       *text);
void               tern_imap_command_set_untagged_handler (TernImapCommand      *self,
                                                      TernImapUntaggedFunc  func,
                                                      gpointer              user_data);

const char        *tern_imap_command_get_name        (TernImapCommand  *self);
const char        *tern_imap_command_get_tag         (TernImapCommand  *self);
gboolean           tern_imap_command_is_done         (TernImapCommand  *self);
TernImapStatus     tern_imap_command_get_status      (TernImapCommand  *self);
TernImapResponse  *tern_imap_command_get_completion  (TernImapCommand  *self);
gboolean           tern_imap_command_propagate_error (TernImapCommand  *self,
                                                      GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernImapCommand, tern_imap_command_unref)

G_END_DECLS
