/* tern-imap-session-jobs.c: TernImapSession's jobs, run on a worker thread of its own
 * (tern_imap_session_run_async(), tern_imap_session_connect_async())
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "tern-imap-session-private.h"

/* ---- jobs on the session's worker thread ------------------------------------------- */

typedef struct
{
  TernImapSessionJobFunc  func;
  gpointer                data;
  GDestroyNotify          data_free;
  GDestroyNotify          result_free;
} Job;

static void
job_free (Job *job)
{
  if (job->data_free != NULL)
    job->data_free (job->data);
  g_free (job);
}

static gpointer
jobs_thread (gpointer user_data)
{
  g_autoptr(TernImapSession) self = user_data;

  for (;;)
    {
      g_autoptr(GTask) task = NULL;
      GError *error = NULL;
      Job *job;
      gpointer result;

      g_mutex_lock (&self->jobs_lock);
      task = g_queue_pop_head (&self->jobs);
      if (task == NULL)
        {
          self->jobs_running = FALSE;
          g_mutex_unlock (&self->jobs_lock);
          break;
        }
      g_mutex_unlock (&self->jobs_lock);

      job = g_task_get_task_data (task);
      if (g_task_return_error_if_cancelled (task))
        continue;
      result = job->func (self, job->data, g_task_get_cancellable (task), &error);
      if (error != NULL)
        {
          if (result != NULL && job->result_free != NULL)
            job->result_free (result);
          g_task_return_error (task, error);
        }
      else
        g_task_return_pointer (task, result, job->result_free);
    }

  return NULL;
}

static void
run_async_internal (TernImapSession        *self,
                    TernImapSessionJobFunc  func,
                    gpointer                data,
                    GDestroyNotify          data_free,
                    GDestroyNotify          result_free,
                    gpointer                source_tag,
                    GCancellable           *cancellable,
                    GAsyncReadyCallback     callback,
                    gpointer                user_data)
{
  GTask *task;
  Job *job;
  gboolean start;

  job = g_new0 (Job, 1);
  job->func = func;
  job->data = data;
  job->data_free = data_free;
  job->result_free = result_free;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);

  g_mutex_lock (&self->jobs_lock);
  g_queue_push_tail (&self->jobs, task);
  start = !self->jobs_running;
  self->jobs_running = TRUE;
  g_mutex_unlock (&self->jobs_lock);

  /* A dedicated thread rather than the GTask pool: a job may IDLE for many minutes. */
  if (start)
    g_thread_unref (g_thread_new ("tern-imap-session", jobs_thread, g_object_ref (self)));
}

/**
 * tern_imap_session_run_async:
 * @job: (scope async): synchronous calls on the session
 * @result_free: (nullable): frees @job's result when nobody takes it
 *
 * Runs @job on the session's worker thread with @cancellable. Jobs of one session run
 * one at a time, in the order they were submitted; @callback runs in the thread-default
 * main context of the caller. The session's signals are emitted on the worker thread
 * while a job runs.
 */
void
tern_imap_session_run_async (TernImapSession        *self,
                             TernImapSessionJobFunc  job,
                             gpointer                job_data,
                             GDestroyNotify          job_data_free,
                             GDestroyNotify          result_free,
                             GCancellable           *cancellable,
                             GAsyncReadyCallback     callback,
                             gpointer                user_data)
{
  g_return_if_fail (TERN_IMAP_IS_SESSION (self));
  g_return_if_fail (job != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  run_async_internal (self, job, job_data, job_data_free, result_free, tern_imap_session_run_async,
                      cancellable, callback, user_data);
}

/**
 * tern_imap_session_run_finish:
 *
 * Returns: (transfer full) (nullable): the job's result
 */
gpointer
tern_imap_session_run_finish (TernImapSession  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
connect_job (TernImapSession  *self,
             gpointer          data,
             GCancellable     *cancellable,
             GError          **error)
{
  return tern_imap_session_connect (self, cancellable, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

/**
 * tern_imap_session_connect_async:
 *
 * Runs tern_imap_session_connect() on the session's worker thread.
 */
void
tern_imap_session_connect_async (TernImapSession     *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (TERN_IMAP_IS_SESSION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  run_async_internal (self, connect_job, NULL, NULL, NULL, tern_imap_session_connect_async,
                      cancellable, callback, user_data);
}

gboolean
tern_imap_session_connect_finish (TernImapSession  *self,
                                  GAsyncResult     *result,
                                  GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tern_imap_session_connect_async, FALSE);

  return g_task_propagate_pointer (G_TASK (result), error) != NULL;
}
