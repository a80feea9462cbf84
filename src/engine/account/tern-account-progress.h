/* tern-account-progress.h: progress reports of the sync workers
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * TernAccountProgressFunc:
 * @account: the account's address
 * @folder: (nullable): the folder being worked on, as a path with "/" between levels
 * @done: units done (messages, usually)
 * @total: units in all, or 0 when unknown
 * @message: (nullable): what is happening, in words a person understands
 * @user_data: the data given with the function
 *
 * Reports progress of a long operation. It is called on the thread doing the work:
 * a GUI forwards it to its main context, tern-cli prints it on stderr.
 */
typedef void (*TernAccountProgressFunc) (const char *account,
                                      const char *folder,
                                      guint       done,
                                      guint       total,
                                      const char *message,
                                      gpointer    user_data);

G_END_DECLS
