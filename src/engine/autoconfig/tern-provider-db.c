/* tern-provider-db.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tern-autoconfig-error.h"
#include "tern-autoconfig-resources.h"
#include "tern-provider-db.h"

/*
 * TernProviderDb is the Thunderbird ISP database, compiled at build time by
 * data/ispdb/compile-ispdb.py into a line format (described in data/ispdb/README.md)
 * and embedded in a GResource. The reader trusts nothing: every line is checked, a line
 * it cannot use is skipped and counted (never a crash, never a half-read record), and
 * only a missing or unknown header fails the whole file.
 *
 * A lookup gives a provider's servers in file order, IMAP, POP3 and SMTP alike, with the
 * templates expanded for one address. Choosing among them is TernAutoconfigResult's job.
 *
 * The object is immutable once built, so any thread may use it.
 */

#define ISPDB_RESOURCE "/io/github/ternmail/Tern/autoconfig/ispdb.txt"
#define FORMAT_MAGIC   "tern-ispdb"
#define FORMAT_VERSION "1"

typedef struct
{
  TernAutoconfigProtocol  protocol;
  char                   *host;       /* template */
  guint16                 port;
  TernNetSecurity         security;
  char                   *user;       /* template, "" if the database has none */
  TernAutoconfigAuth      auth;
} ServerTemplate;

typedef struct
{
  char       *id;
  char       *name;
  GPtrArray  *domains;               /* char* */
  GPtrArray  *servers;               /* ServerTemplate* */
} Provider;

struct _TernProviderDb
{
  GObject      parent_instance;

  GPtrArray   *providers;            /* Provider* */
  GHashTable  *by_domain;            /* char* domain (owned by the provider) -> Provider* */
  guint        n_skipped;
};

G_DEFINE_FINAL_TYPE (TernProviderDb, tern_provider_db, G_TYPE_OBJECT)

static void
server_template_free (ServerTemplate *t)
{
  g_free (t->host);
  g_free (t->user);
  g_free (t);
}

static void
provider_free (Provider *provider)
{
  g_free (provider->id);
  g_free (provider->name);
  g_ptr_array_unref (provider->domains);
  g_ptr_array_unref (provider->servers);
  g_free (provider);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Provider, provider_free)

static Provider *
provider_new (const char *id,
              const char *name)
{
  Provider *provider = g_new0 (Provider, 1);

  provider->id = g_strdup (id);
  provider->name = g_strdup (name[0] != '\0' ? name : id);
  provider->domains = g_ptr_array_new_with_free_func (g_free);
  provider->servers = g_ptr_array_new_with_free_func ((GDestroyNotify) server_template_free);

  return provider;
}

/* ---- the line format --------------------------------------------------------------- */

static gboolean
is_label (const char *label,
          gsize       length)
{
  if (length == 0 || length > 63 || label[0] == '-' || label[length - 1] == '-')
    return FALSE;

  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isalnum (label[i]) && label[i] != '-')
        return FALSE;
    }

  return TRUE;
}

static gboolean
is_hostname (const char *name)
{
  gsize total = strlen (name);

  if (total == 0 || total > 253)
    return FALSE;

  for (const char *label = name; ; )
    {
      const char *dot = strchr (label, '.');
      gsize length = dot != NULL ? (gsize) (dot - label) : strlen (label);

      if (!is_label (label, length))
        return FALSE;
      if (dot == NULL)
        return TRUE;
      label = dot + 1;
    }
}

static gboolean
parse_port (const char *text,
            guint16    *port)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 1, 65535, &value, NULL))
    return FALSE;

  *port = value;
  return TRUE;
}

static gboolean
parse_security (const char      *text,
                TernNetSecurity *security)
{
  if (g_str_equal (text, "tls"))
    *security = TERN_NET_SECURITY_TLS;
  else if (g_str_equal (text, "starttls"))
    *security = TERN_NET_SECURITY_STARTTLS;
  else if (g_str_equal (text, "none"))
    *security = TERN_NET_SECURITY_NONE;
  else
    return FALSE;

  return TRUE;
}

static ServerTemplate *
parse_server (char **fields)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *probe_host = NULL;
  g_auto(GStrv) auth = NULL;
  ServerTemplate t = { 0 };
  ServerTemplate *copy;

  if (g_strv_length (fields) != 7)
    return NULL;
  if (!tern_autoconfig_protocol_from_string (fields[1], &t.protocol) ||
      !parse_port (fields[3], &t.port) ||
      !parse_security (fields[4], &t.security))
    return NULL;

  /* The host template must give a host name for any address. */
  probe_host = tern_provider_db_expand_template (fields[2], "user@example.com", &error);
  if (probe_host == NULL || !is_hostname (probe_host))
    return NULL;

  auth = g_strsplit (fields[6], ",", -1);
  for (guint i = 0; auth[i] != NULL; i++)
    t.auth |= tern_autoconfig_auth_from_string (auth[i]);

  copy = g_new0 (ServerTemplate, 1);
  *copy = t;
  copy->host = g_strdup (fields[2]);
  copy->user = g_strdup (fields[5]);
  return copy;
}

static void
commit_provider (TernProviderDb *self,
                 Provider       *provider)
{
  g_autoptr(Provider) owned = provider;

  if (provider->domains->len == 0 || provider->servers->len == 0)
    {
      g_debug ("provider database: provider %s has no domain or no server; skipped", provider->id);
      self->n_skipped++;
      return;
    }

  for (guint i = 0; i < provider->domains->len; i++)
    g_hash_table_insert (self->by_domain, provider->domains->pdata[i], provider);
  g_ptr_array_add (self->providers, g_steal_pointer (&owned));
}

static gboolean
parse (TernProviderDb  *self,
       const char      *data,
       gsize            size,
       GError         **error)
{
  g_autoptr(Provider) current = NULL;
  const char *end = data + size;
  const char *p = data;
  gboolean header = TRUE;
  guint line_number = 0;

  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      gsize length = (nl != NULL ? nl : end) - p;
      g_autofree char *line = NULL;
      g_auto(GStrv) fields = NULL;

      line_number++;
      if (length > 0 && p[length - 1] == '\r')
        length--;

      /* NUL bytes and invalid UTF-8 make the line unusable. */
      if (!g_utf8_validate_len (p, length, NULL))
        {
          if (header)
            break;
          g_debug ("provider database: line %u is not UTF-8; skipped", line_number);
          self->n_skipped++;
          p = nl != NULL ? nl + 1 : end;
          continue;
        }

      line = g_strndup (p, length);
      p = nl != NULL ? nl + 1 : end;

      if (header)
        {
          if (!g_str_equal (line, FORMAT_MAGIC "\t" FORMAT_VERSION))
            break;
          header = FALSE;
          continue;
        }

      if (line[0] == '\0' || line[0] == '#')
        continue;

      fields = g_strsplit (line, "\t", -1);

      if (g_str_equal (fields[0], "P") && g_strv_length (fields) == 3 && fields[1][0] != '\0')
        {
          if (current != NULL)
            commit_provider (self, g_steal_pointer (&current));
          current = provider_new (fields[1], fields[2]);
        }
      else if (g_str_equal (fields[0], "D") && g_strv_length (fields) == 2 && current != NULL)
        {
          g_autofree char *domain = g_ascii_strdown (fields[1], -1);

          if (!is_hostname (domain) || g_hash_table_contains (self->by_domain, domain))
            {
              g_debug ("provider database: line %u: domain “%s” is invalid or listed twice; skipped",
                       line_number, fields[1]);
              self->n_skipped++;
              continue;
            }
          for (guint i = 0; i < current->domains->len && domain != NULL; i++)
            {
              if (g_str_equal (current->domains->pdata[i], domain))
                g_clear_pointer (&domain, g_free);   /* listed twice by the same provider */
            }
          if (domain != NULL)
            g_ptr_array_add (current->domains, g_steal_pointer (&domain));
        }
      else if (g_str_equal (fields[0], "S") && current != NULL)
        {
          ServerTemplate *t = parse_server (fields);

          if (t == NULL)
            {
              g_debug ("provider database: line %u: malformed server; skipped", line_number);
              self->n_skipped++;
              continue;
            }
          g_ptr_array_add (current->servers, t);
        }
      else
        {
          g_debug ("provider database: line %u: not understood; skipped", line_number);
          self->n_skipped++;
        }
    }

  if (header)
    {
      g_set_error (error, TERN_AUTOCONFIG_ERROR, TERN_AUTOCONFIG_ERROR_INVALID_DATABASE,
                   _("The provider database is not in a format this version of Tern reads"));
      return FALSE;
    }

  if (current != NULL)
    commit_provider (self, g_steal_pointer (&current));

  return TRUE;
}

/* ---- public API ----------------------------------------------------------------------- */

/**
 * tern_provider_db_new_from_bytes:
 * @data: a compiled provider database (data/ispdb/README.md)
 *
 * Reads a compiled database. Lines that cannot be used are skipped and counted
 * (tern_provider_db_get_n_skipped()).
 *
 * Returns: (transfer full): the database, or %NULL with
 *   %TERN_AUTOCONFIG_ERROR_INVALID_DATABASE when @data does not start with the header
 *   of a version this reader knows
 */
TernProviderDb *
tern_provider_db_new_from_bytes (GBytes  *data,
                                 GError **error)
{
  g_autoptr(TernProviderDb) self = NULL;
  gconstpointer bytes;
  gsize size;

  g_return_val_if_fail (data != NULL, NULL);

  self = g_object_new (TERN_TYPE_PROVIDER_DB, NULL);
  bytes = g_bytes_get_data (data, &size);
  if (!parse (self, bytes != NULL ? bytes : "", size, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * tern_provider_db_get_default:
 *
 * The database built into Tern; it is read once, on first use, from any thread.
 *
 * Returns: (transfer none): the shipped database
 */
TernProviderDb *
tern_provider_db_get_default (void)
{
  static TernProviderDb *shipped;
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) data = NULL;
      TernProviderDb *db = NULL;

      /* Looked up in our own GResource: referencing it keeps it linked in from the
       * static library, where a constructor alone would be dropped. */
      data = g_resource_lookup_data (tern_autoconfig_get_resource (), ISPDB_RESOURCE,
                                     G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
      if (data != NULL)
        db = tern_provider_db_new_from_bytes (data, &error);
      if (db == NULL)
        {
          g_critical ("The built-in provider database is unusable: %s", error->message);
          db = g_object_new (TERN_TYPE_PROVIDER_DB, NULL);
        }
      else if (db->n_skipped > 0)
        {
          g_warning ("The built-in provider database has %u unusable lines", db->n_skipped);
        }

      shipped = db;
      g_once_init_leave (&initialized, 1);
    }

  return shipped;
}

guint
tern_provider_db_get_n_providers (TernProviderDb *self)
{
  g_return_val_if_fail (TERN_IS_PROVIDER_DB (self), 0);

  return self->providers->len;
}

/**
 * tern_provider_db_get_n_skipped:
 *
 * Returns: how many lines (or providers without a domain or server) the reader skipped
 */
guint
tern_provider_db_get_n_skipped (TernProviderDb *self)
{
  g_return_val_if_fail (TERN_IS_PROVIDER_DB (self), 0);

  return self->n_skipped;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/**
 * tern_provider_db_dup_domains:
 *
 * Returns: (transfer full): every domain the database knows, sorted
 */
char **
tern_provider_db_dup_domains (TernProviderDb *self)
{
  g_autoptr(GPtrArray) domains = NULL;
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (TERN_IS_PROVIDER_DB (self), NULL);

  domains = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, self->by_domain);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (domains, g_strdup (key));
  g_ptr_array_sort (domains, compare_strings);
  g_ptr_array_add (domains, NULL);

  return (char **) g_ptr_array_free (g_steal_pointer (&domains), FALSE);
}

static Provider *
find (TernProviderDb *self,
      const char     *domain)
{
  g_autofree char *lower = g_ascii_strdown (domain, -1);
  gsize len = strlen (lower);

  if (len > 0 && lower[len - 1] == '.')
    lower[len - 1] = '\0';

  return g_hash_table_lookup (self->by_domain, lower);
}

gboolean
tern_provider_db_contains (TernProviderDb *self,
                           const char     *domain)
{
  g_return_val_if_fail (TERN_IS_PROVIDER_DB (self), FALSE);
  g_return_val_if_fail (domain != NULL, FALSE);

  return find (self, domain) != NULL;
}

/**
 * tern_provider_db_lookup:
 * @domain: a domain (any case, ASCII form)
 * @address: the e-mail address whose settings are wanted (for the templates)
 * @provider_name: (out) (optional) (transfer full): the provider's display name
 * @notes: (out) (optional) (transfer full) (element-type utf8): what went wrong while
 *   expanding the templates, in words; empty when nothing did
 *
 * Finds the provider that lists @domain (a `<domain>` entry, not the file name) and
 * expands its templates for @address: `%EMAILADDRESS%` is @address as given,
 * `%EMAILLOCALPART%` its part before the last "@", `%EMAILDOMAIN%` its domain in lower
 * case. A server whose host name template cannot be expanded is left out; a login name
 * template that cannot be expanded gives the whole address. Both are told in @notes.
 *
 * Returns: (transfer full) (nullable) (element-type TernAutoconfigServer): the
 *   provider's servers in file order (incoming, then outgoing), or %NULL when no
 *   provider lists @domain
 */
GPtrArray *
tern_provider_db_lookup (TernProviderDb  *self,
                         const char      *domain,
                         const char      *address,
                         char           **provider_name,
                         GPtrArray      **notes)
{
  g_autoptr(GPtrArray) servers = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  Provider *provider;

  g_return_val_if_fail (TERN_IS_PROVIDER_DB (self), NULL);
  g_return_val_if_fail (domain != NULL, NULL);
  g_return_val_if_fail (address != NULL, NULL);

  provider = find (self, domain);
  if (provider == NULL)
    return NULL;

  servers = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_autoconfig_server_free);
  problems = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < provider->servers->len; i++)
    {
      ServerTemplate *t = provider->servers->pdata[i];
      const char *protocol_name = tern_autoconfig_protocol_to_string (t->protocol);
      g_autoptr(GError) error = NULL;
      g_autofree char *host = NULL;
      g_autofree char *user = NULL;
      TernAutoconfigServer *server;

      host = tern_provider_db_expand_template (t->host, address, &error);
      if (host == NULL || !is_hostname (host))
        {
          g_ptr_array_add (problems,
                           g_strdup_printf (_("The %s server “%s” of %s cannot be used for this address (%s); it was left out."),
                                            protocol_name, t->host, provider->name,
                                            error != NULL ? error->message : _("not a host name")));
          continue;
        }

      if (t->user[0] == '\0')
        {
          user = g_strdup (address);
        }
      else
        {
          user = tern_provider_db_expand_template (t->user, address, &error);
          if (user == NULL)
            {
              g_ptr_array_add (problems,
                               g_strdup_printf (_("The login name “%s” that %s lists for its %s server is malformed (%s); "
                                                  "Tern uses the whole address instead."),
                                                t->user, provider->name, protocol_name, error->message));
              user = g_strdup (address);
            }
        }

      server = tern_autoconfig_server_new (t->protocol, host, t->port, t->security, user);
      server->auth = t->auth;
      g_ptr_array_add (servers, server);
    }

  if (provider_name != NULL)
    {
      /* Some display names are templates too ("%EMAILDOMAIN%"). */
      *provider_name = tern_provider_db_expand_template (provider->name, address, NULL);
      if (*provider_name == NULL)
        *provider_name = g_strdup (provider->name);
    }
  if (notes != NULL)
    *notes = g_steal_pointer (&problems);

  return g_steal_pointer (&servers);
}

/**
 * tern_provider_db_expand_template:
 * @template_: an ISPDB template, such as "%EMAILLOCALPART%" or "mail.%EMAILDOMAIN%"
 * @address: the e-mail address to expand it for
 *
 * Returns: (transfer full): the expanded text, or %NULL with
 *   %TERN_AUTOCONFIG_ERROR_INVALID_ADDRESS for a bad @address or
 *   %TERN_AUTOCONFIG_ERROR_INVALID_DATABASE for an unknown or unterminated placeholder
 */
char *
tern_provider_db_expand_template (const char  *template_,
                                  const char  *address,
                                  GError     **error)
{
  g_autoptr(GString) out = NULL;
  g_autofree char *local = NULL;
  g_autofree char *domain = NULL;

  g_return_val_if_fail (template_ != NULL, NULL);
  g_return_val_if_fail (address != NULL, NULL);

  if (!tern_autoconfig_split_address (address, &local, &domain, error))
    return NULL;

  out = g_string_new (NULL);
  for (const char *p = template_; *p != '\0'; )
    {
      const struct { const char *name; const char *value; } placeholders[] = {
        { "%EMAILADDRESS%", address },
        { "%EMAILLOCALPART%", local },
        { "%EMAILDOMAIN%", domain },
      };
      gboolean matched = FALSE;

      if (*p != '%')
        {
          g_string_append_c (out, *p++);
          continue;
        }

      for (guint i = 0; i < G_N_ELEMENTS (placeholders); i++)
        {
          gsize len = strlen (placeholders[i].name);

          if (strncmp (p, placeholders[i].name, len) == 0)
            {
              g_string_append (out, placeholders[i].value);
              p += len;
              matched = TRUE;
              break;
            }
        }

      if (!matched)
        {
          g_set_error (error, TERN_AUTOCONFIG_ERROR, TERN_AUTOCONFIG_ERROR_INVALID_DATABASE,
                       _("unknown or unterminated placeholder at “%s”"), p);
          return NULL;
        }
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
tern_provider_db_finalize (GObject *object)
{
  TernProviderDb *self = TERN_PROVIDER_DB (object);

  g_clear_pointer (&self->by_domain, g_hash_table_unref);
  g_clear_pointer (&self->providers, g_ptr_array_unref);

  G_OBJECT_CLASS (tern_provider_db_parent_class)->finalize (object);
}

static void
tern_provider_db_class_init (TernProviderDbClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tern_provider_db_finalize;
}

static void
tern_provider_db_init (TernProviderDb *self)
{
  self->providers = g_ptr_array_new_with_free_func ((GDestroyNotify) provider_free);
  self->by_domain = g_hash_table_new (g_str_hash, g_str_equal);
}
