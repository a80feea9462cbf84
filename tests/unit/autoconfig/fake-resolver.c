/* fake-resolver.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fake-resolver.h"

/* The fixture is filled before the tests use it and only read afterwards, from any
 * thread (probes resolve host names in worker threads); the query log has a lock. */
struct _FakeResolver
{
  GResolver   parent_instance;

  GHashTable *hosts;      /* lower-case name -> GPtrArray of GInetAddress */
  GHashTable *records;    /* "type:name" -> GPtrArray of GVariant */
  GHashTable *delays;     /* name -> delay in ms */
  GMutex      lock;
  GPtrArray  *asked;      /* every name asked, in order */
};

G_DEFINE_FINAL_TYPE (FakeResolver, fake_resolver, G_TYPE_RESOLVER)

FakeResolver *
fake_resolver_new (void)
{
  return g_object_new (FAKE_TYPE_RESOLVER, NULL);
}

static char *
key_for (GResolverRecordType type,
         const char         *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  return g_strdup_printf ("%d:%s", type, lower);
}

static void
add_record (FakeResolver        *self,
            GResolverRecordType  type,
            const char          *name,
            GVariant            *record)
{
  g_autofree char *key = key_for (type, name);
  GPtrArray *list = g_hash_table_lookup (self->records, key);

  if (list == NULL)
    {
      list = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
      g_hash_table_insert (self->records, g_steal_pointer (&key), list);
    }
  g_ptr_array_add (list, g_variant_ref_sink (record));
}

void
fake_resolver_add_host (FakeResolver *self,
                        const char   *name,
                        const char   *address)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);
  GPtrArray *list = g_hash_table_lookup (self->hosts, lower);

  if (list == NULL)
    {
      list = g_ptr_array_new_with_free_func (g_object_unref);
      g_hash_table_insert (self->hosts, g_strdup (lower), list);
    }
  g_ptr_array_add (list, g_inet_address_new_from_string (address));
}

void
fake_resolver_add_srv (FakeResolver *self,
                       const char   *rrname,
                       guint16       priority,
                       guint16       weight,
                       guint16       port,
                       const char   *target)
{
  add_record (self, G_RESOLVER_RECORD_SRV, rrname, g_variant_new ("(qqqs)", priority, weight, port, target));
}

void
fake_resolver_add_mx (FakeResolver *self,
                      const char   *domain,
                      guint16       preference,
                      const char   *exchange)
{
  add_record (self, G_RESOLVER_RECORD_MX, domain, g_variant_new ("(qs)", preference, exchange));
}

void
fake_resolver_set_delay (FakeResolver *self,
                         const char   *rrname,
                         guint         delay_ms)
{
  g_hash_table_insert (self->delays, g_ascii_strdown (rrname, -1), GUINT_TO_POINTER (delay_ms));
}

guint
fake_resolver_get_n_queries (FakeResolver *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->asked->len;
  g_mutex_unlock (&self->lock);
  return n;
}

gboolean
fake_resolver_was_asked (FakeResolver *self,
                         const char   *name)
{
  gboolean found = FALSE;

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->asked->len && !found; i++)
    found = g_ascii_strcasecmp (self->asked->pdata[i], name) == 0;
  g_mutex_unlock (&self->lock);
  return found;
}

static void
log_query (FakeResolver *self,
           const char   *name)
{
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->asked, g_strdup (name));
  g_mutex_unlock (&self->lock);
}

/* ---- names ------------------------------------------------------------------------ */

static GList *
resolve_name (FakeResolver              *self,
              const char                *hostname,
              GResolverNameLookupFlags   flags,
              GError                   **error)
{
  g_autofree char *lower = g_ascii_strdown (hostname, -1);
  GPtrArray *list;
  GList *out = NULL;

  log_query (self, hostname);
  list = g_hash_table_lookup (self->hosts, lower);
  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      GInetAddress *address = list->pdata[i];
      GSocketFamily family = g_inet_address_get_family (address);

      if ((flags & G_RESOLVER_NAME_LOOKUP_FLAGS_IPV4_ONLY) && family != G_SOCKET_FAMILY_IPV4)
        continue;
      if ((flags & G_RESOLVER_NAME_LOOKUP_FLAGS_IPV6_ONLY) && family != G_SOCKET_FAMILY_IPV6)
        continue;
      out = g_list_append (out, g_object_ref (address));
    }

  if (out == NULL)
    g_set_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
                 "Error resolving “%s”: Name or service not known (fixture)", hostname);
  return out;
}

static GList *
lookup_by_name_with_flags (GResolver                 *resolver,
                           const char                *hostname,
                           GResolverNameLookupFlags   flags,
                           GCancellable              *cancellable,
                           GError                   **error)
{
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  return resolve_name (FAKE_RESOLVER (resolver), hostname, flags, error);
}

static GList *
lookup_by_name (GResolver     *resolver,
                const char    *hostname,
                GCancellable  *cancellable,
                GError       **error)
{
  return lookup_by_name_with_flags (resolver, hostname, G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT, cancellable, error);
}

static void
free_address_list (gpointer list)
{
  g_resolver_free_addresses (list);
}

static void
lookup_by_name_with_flags_async (GResolver                 *resolver,
                                 const char                *hostname,
                                 GResolverNameLookupFlags   flags,
                                 GCancellable              *cancellable,
                                 GAsyncReadyCallback        callback,
                                 gpointer                   user_data)
{
  g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);
  GError *error = NULL;
  GList *addresses = lookup_by_name_with_flags (resolver, hostname, flags, cancellable, &error);

  if (addresses != NULL)
    g_task_return_pointer (task, addresses, free_address_list);
  else
    g_task_return_error (task, error);
}

static void
lookup_by_name_async (GResolver           *resolver,
                      const char          *hostname,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  lookup_by_name_with_flags_async (resolver, hostname, G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT,
                                   cancellable, callback, user_data);
}

static GList *
lookup_by_name_finish (GResolver     *resolver,
                       GAsyncResult  *result,
                       GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static char *
lookup_by_address (GResolver     *resolver,
                   GInetAddress  *address,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_set_error_literal (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "no reverse lookups (fixture)");
  return NULL;
}

static void
lookup_by_address_async (GResolver           *resolver,
                         GInetAddress        *address,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);

  g_task_return_new_error (task, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "no reverse lookups (fixture)");
}

static char *
lookup_by_address_finish (GResolver     *resolver,
                          GAsyncResult  *result,
                          GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- records ------------------------------------------------------------------------- */

static void
free_record_list (gpointer list)
{
  g_list_free_full (list, (GDestroyNotify) g_variant_unref);
}

static GList *
records_of (FakeResolver         *self,
            const char           *rrname,
            GResolverRecordType   type,
            GError              **error)
{
  g_autofree char *key = key_for (type, rrname);
  GPtrArray *list;
  GList *out = NULL;

  log_query (self, rrname);
  list = g_hash_table_lookup (self->records, key);
  for (guint i = 0; list != NULL && i < list->len; i++)
    out = g_list_append (out, g_variant_ref (list->pdata[i]));

  if (out == NULL)
    g_set_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "No DNS record of the requested type for “%s” (fixture)", rrname);
  return out;
}

static GList *
lookup_records (GResolver            *resolver,
                const char           *rrname,
                GResolverRecordType   record_type,
                GCancellable         *cancellable,
                GError              **error)
{
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  return records_of (FAKE_RESOLVER (resolver), rrname, record_type, error);
}

typedef struct
{
  GTask   *task;
  GList   *records;
  GError  *error;
  GSource *timeout;
  GSource *cancelled;
} Delayed;

/* Runs once: both sources are destroyed here, so neither can call again. */
static void
delayed_finish (Delayed *d)
{
  g_source_destroy (d->timeout);
  g_source_unref (d->timeout);
  if (d->cancelled != NULL)
    {
      g_source_destroy (d->cancelled);
      g_source_unref (d->cancelled);
    }

  if (g_task_return_error_if_cancelled (d->task))
    free_record_list (d->records);
  else if (d->records != NULL)
    g_task_return_pointer (d->task, d->records, free_record_list);
  else
    g_task_return_error (d->task, g_steal_pointer (&d->error));

  g_clear_error (&d->error);
  g_object_unref (d->task);
  g_free (d);
}

static gboolean
delayed_timeout_cb (gpointer data)
{
  delayed_finish (data);
  return G_SOURCE_REMOVE;
}

static gboolean
delayed_cancelled_cb (GCancellable *cancellable,
                      gpointer      data)
{
  delayed_finish (data);
  return G_SOURCE_REMOVE;
}

static void
lookup_records_async (GResolver            *resolver,
                      const char           *rrname,
                      GResolverRecordType   record_type,
                      GCancellable         *cancellable,
                      GAsyncReadyCallback   callback,
                      gpointer              user_data)
{
  FakeResolver *self = FAKE_RESOLVER (resolver);
  g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);
  g_autofree char *lower = g_ascii_strdown (rrname, -1);
  guint delay = GPOINTER_TO_UINT (g_hash_table_lookup (self->delays, lower));
  GError *error = NULL;
  GList *records;

  records = records_of (self, rrname, record_type, &error);

  if (delay > 0)
    {
      Delayed *d = g_new0 (Delayed, 1);

      d->task = g_object_ref (task);
      d->records = records;
      d->error = error;
      d->timeout = g_timeout_source_new (delay);
      g_source_set_callback (d->timeout, delayed_timeout_cb, d, NULL);
      if (cancellable != NULL)
        {
          d->cancelled = g_cancellable_source_new (cancellable);
          g_source_set_callback (d->cancelled, (GSourceFunc) (void (*) (void)) delayed_cancelled_cb, d, NULL);
          g_source_attach (d->cancelled, g_task_get_context (task));
        }
      g_source_attach (d->timeout, g_task_get_context (task));
      return;
    }

  if (records != NULL)
    g_task_return_pointer (task, records, free_record_list);
  else
    g_task_return_error (task, error);
}

static GList *
lookup_records_finish (GResolver     *resolver,
                       GAsyncResult  *result,
                       GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
fake_resolver_finalize (GObject *object)
{
  FakeResolver *self = FAKE_RESOLVER (object);

  g_hash_table_unref (self->hosts);
  g_hash_table_unref (self->records);
  g_hash_table_unref (self->delays);
  g_ptr_array_unref (self->asked);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (fake_resolver_parent_class)->finalize (object);
}

static void
fake_resolver_class_init (FakeResolverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GResolverClass *resolver_class = G_RESOLVER_CLASS (klass);

  object_class->finalize = fake_resolver_finalize;
  resolver_class->lookup_by_name = lookup_by_name;
  resolver_class->lookup_by_name_async = lookup_by_name_async;
  resolver_class->lookup_by_name_finish = lookup_by_name_finish;
  resolver_class->lookup_by_name_with_flags = lookup_by_name_with_flags;
  resolver_class->lookup_by_name_with_flags_async = lookup_by_name_with_flags_async;
  resolver_class->lookup_by_name_with_flags_finish = lookup_by_name_finish;
  resolver_class->lookup_by_address = lookup_by_address;
  resolver_class->lookup_by_address_async = lookup_by_address_async;
  resolver_class->lookup_by_address_finish = lookup_by_address_finish;
  resolver_class->lookup_records = lookup_records;
  resolver_class->lookup_records_async = lookup_records_async;
  resolver_class->lookup_records_finish = lookup_records_finish;
}

static void
fake_resolver_init (FakeResolver *self)
{
  self->hosts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  self->records = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  self->delays = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_mutex_init (&self->lock);
  self->asked = g_ptr_array_new_with_free_func (g_free);
}
