/* tern-account-progress.h: progress reports of an account's sync and outbox
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * TernAccountPhase:
 * @TERN_ACCOUNT_PHASE_WORKING: connecting, syncing, downloading, sending
 * @TERN_ACCOUNT_PHASE_WAITING: up to date, waiting for changes (IMAP IDLE, polling)
 * @TERN_ACCOUNT_PHASE_RETRYING: the connection failed or the network is down; the
 *   work is retried later (the report's error says why)
 */
typedef enum
{
  TERN_ACCOUNT_PHASE_WORKING,
  TERN_ACCOUNT_PHASE_WAITING,
  TERN_ACCOUNT_PHASE_RETRYING,
} TernAccountPhase;

/**
 * TernAccountProgress:
 * @account: the account's address
 * @phase: what the account is doing
 * @folder: (nullable): the folder being worked on, as a path with "/" between levels
 * @done: units done (messages, usually)
 * @total: units in all, or 0 when unknown
 * @message: (nullable): what is happening, in words a person understands
 * @error: (nullable): with %TERN_ACCOUNT_PHASE_RETRYING, why; with
 *   %TERN_ACCOUNT_PHASE_WORKING, a change the server refused (in the server's words;
 *   the store has taken the server's state back)
 */
typedef struct
{
  const char       *account;
  TernAccountPhase  phase;
  const char       *folder;
  guint             done;
  guint             total;
  const char       *message;
  const GError     *error;
} TernAccountProgress;

/**
 * TernAccountProgressFunc:
 * @progress: the report, valid during the call
 * @user_data: the data given with the function
 *
 * Reports progress of a long operation. It is called on the thread doing the work:
 * a GUI forwards it to its main context, tern-cli prints it on stderr.
 */
typedef void (*TernAccountProgressFunc) (const TernAccountProgress *progress,
                                         gpointer                   user_data);

static inline void
tern_account_progress_report (TernAccountProgressFunc  func,
                              gpointer                 user_data,
                              const char              *account,
                              TernAccountPhase         phase,
                              const char              *folder,
                              guint                    done,
                              guint                    total,
                              const char              *message,
                              const GError            *error)
{
  TernAccountProgress progress = { account, phase, folder, done, total, message, error };

  if (func != NULL)
    func (&progress, user_data);
}

G_END_DECLS
