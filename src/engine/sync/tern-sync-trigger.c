/* tern-sync-trigger.c: asking a running sync to look again, now
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A sync that keeps an account in step (tern_sync_imap_watch()) waits most of the
 * time: in IMAP IDLE, or between polls. The front end pulls the trigger, from any
 * thread, when it journaled a change for the server or when the user asks for a
 * sync; the waiting sync wakes at once (its IDLE is ended with DONE, the session stays
 * usable), takes the requests and does them. Requests made while the sync is busy
 * are kept and taken at its next wait.
 */
#include "config.h"

#include "tern-sync-trigger.h"

struct _TernSyncTrigger
{
  GObject          parent_instance;

  GMutex           lock;
  GCond            cond;
  TernSyncRequest  pending;
  GCancellable    *pulled;     /* cancelled when a request is pending */
};

G_DEFINE_FINAL_TYPE (TernSyncTrigger, tern_sync_trigger, G_TYPE_OBJECT)

static void
tern_sync_trigger_finalize (GObject *object)
{
  TernSyncTrigger *self = TERN_SYNC_TRIGGER (object);

  g_clear_object (&self->pulled);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  G_OBJECT_CLASS (tern_sync_trigger_parent_class)->finalize (object);
}

static void
tern_sync_trigger_class_init (TernSyncTriggerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tern_sync_trigger_finalize;
}

static void
tern_sync_trigger_init (TernSyncTrigger *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->pulled = g_cancellable_new ();
}

TernSyncTrigger *
tern_sync_trigger_new (void)
{
  return g_object_new (TERN_TYPE_SYNC_TRIGGER, NULL);
}

/**
 * tern_sync_trigger_pull:
 *
 * Asks the sync to do @request as soon as it can. Any thread.
 */
void
tern_sync_trigger_pull (TernSyncTrigger *self, TernSyncRequest request)
{
  g_autoptr(GCancellable) pulled = NULL;

  g_return_if_fail (TERN_IS_SYNC_TRIGGER (self));

  g_mutex_lock (&self->lock);
  self->pending |= request;
  pulled = g_object_ref (self->pulled);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  /* Outside the lock: the cancellable's handlers run right here. */
  g_cancellable_cancel (pulled);
}

/**
 * tern_sync_trigger_take:
 *
 * Takes the pending requests and re-arms the trigger. The sync's thread.
 *
 * Returns: what was asked since the last take
 */
TernSyncRequest
tern_sync_trigger_take (TernSyncTrigger *self)
{
  TernSyncRequest request;

  g_return_val_if_fail (TERN_IS_SYNC_TRIGGER (self), TERN_SYNC_REQUEST_NONE);

  g_mutex_lock (&self->lock);
  request = self->pending;
  self->pending = TERN_SYNC_REQUEST_NONE;
  if (g_cancellable_is_cancelled (self->pulled))
    {
      g_object_unref (self->pulled);
      self->pulled = g_cancellable_new ();
    }
  g_mutex_unlock (&self->lock);
  return request;
}

/**
 * tern_sync_trigger_dup_cancellable:
 *
 * A cancellable for one wait (an IDLE): cancelled when the trigger is pulled, and
 * replaced by tern_sync_trigger_take(). (To wake the wait on another cancellable
 * too, pull the trigger from its "cancelled" handler.)
 *
 * Returns: (transfer full): the cancellable
 */
GCancellable *
tern_sync_trigger_dup_cancellable (TernSyncTrigger *self)
{
  GCancellable *pulled;

  g_return_val_if_fail (TERN_IS_SYNC_TRIGGER (self), NULL);

  g_mutex_lock (&self->lock);
  pulled = g_object_ref (self->pulled);
  g_mutex_unlock (&self->lock);
  return pulled;
}

/**
 * tern_sync_trigger_wait:
 *
 * Sleeps until the trigger is pulled, @seconds pass, or @cancellable is cancelled.
 *
 * Returns: %TRUE when a request is pending
 */
gboolean
tern_sync_trigger_wait (TernSyncTrigger *self, guint seconds, GCancellable *cancellable)
{
  gint64 end = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
  gboolean pending;

  g_return_val_if_fail (TERN_IS_SYNC_TRIGGER (self), FALSE);

  g_mutex_lock (&self->lock);
  /* Woken by a pull, or every 100 ms to look at @cancellable. */
  while (self->pending == TERN_SYNC_REQUEST_NONE && !g_cancellable_is_cancelled (cancellable) &&
         !g_cancellable_is_cancelled (self->pulled) && g_get_monotonic_time () < end)
    g_cond_wait_until (&self->cond, &self->lock, MIN (end, g_get_monotonic_time () + 100 * 1000));
  pending = self->pending != TERN_SYNC_REQUEST_NONE;
  g_mutex_unlock (&self->lock);
  return pending;
}
