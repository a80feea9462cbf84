/* tern-store-query.c: the search query language
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The language users know from webmail:
 *
 *   word  "a phrase"  prefix*           anywhere (addresses, subject, body, attachment names)
 *   from:X  to:X  cc:X  bcc:X           sender / recipients (name or address)
 *   subject:X  body:X  attachment:X     one part only (filename: = attachment:)
 *   has:attachment                      with an attachment
 *   is:unread is:read is:flagged is:unflagged is:answered is:draft is:deleted
 *   in:FOLDER (folder:)                 folder path, e.g. in:INBOX in:Lists/dev
 *   after:DATE before:DATE              YYYY-MM-DD, YYYY/MM/DD, YYYY-MM, YYYY, today,
 *                                       yesterday; local time; after: includes the day,
 *                                       before: excludes it
 *   -TERM                               not
 *   A OR B                              either (words and field words only)
 *
 * Terms are combined with AND. X may be a "quoted phrase". Several in: match any
 * of the folders. An unknown "name:value" is searched as text (URLs work).
 *
 * Parsing is pure: the result is an FTS5 MATCH expression (every user word is
 * quoted, so no FTS5 syntax can be injected) plus plain filters that the store
 * turns into SQL.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "tern-store-error.h"
#include "tern-store-query.h"

struct _TernStoreQuery
{
  GObject                 parent_instance;

  char                   *text;
  char                   *match;
  char                   *exclude_match;
  TernStoreQueryTristate  unread;
  TernStoreQueryTristate  flagged;
  TernStoreQueryTristate  answered;
  TernStoreQueryTristate  draft;
  TernStoreQueryTristate  deleted;
  TernStoreQueryTristate  has_attachment;
  GPtrArray              *folders;
  GPtrArray              *excluded_folders;
  gint64                  after;
  gint64                  before;
};

G_DEFINE_FINAL_TYPE (TernStoreQuery, tern_store_query, G_TYPE_OBJECT)

static void
tern_store_query_finalize (GObject *object)
{
  TernStoreQuery *self = TERN_STORE_QUERY (object);

  g_free (self->text);
  g_free (self->match);
  g_free (self->exclude_match);
  g_ptr_array_unref (self->folders);
  g_ptr_array_unref (self->excluded_folders);

  G_OBJECT_CLASS (tern_store_query_parent_class)->finalize (object);
}

static void
tern_store_query_class_init (TernStoreQueryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tern_store_query_finalize;
}

static void
tern_store_query_init (TernStoreQuery *self)
{
  self->folders = g_ptr_array_new_null_terminated (0, g_free, TRUE);
  self->excluded_folders = g_ptr_array_new_null_terminated (0, g_free, TRUE);
}

/* ---- lexer ---------------------------------------------------------------------- */

typedef struct
{
  char     *field;     /* lower-case field name, or NULL */
  char     *value;
  gboolean  negated;
  gboolean  quoted;
  gboolean  or_op;     /* the bare word OR */
} Token;

static void
token_clear (Token *token)
{
  g_free (token->field);
  g_free (token->value);
}

static char *
read_quoted (const char **pp)
{
  const char *p = *pp + 1;   /* after the opening quote */
  GString *s = g_string_new (NULL);

  while (*p != '\0' && *p != '"')
    g_string_append_c (s, *p++);
  if (*p == '"')
    p++;
  *pp = p;
  return g_string_free (s, FALSE);
}

static gboolean
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static GArray *
tokenize (const char *text)
{
  GArray *tokens = g_array_new (FALSE, TRUE, sizeof (Token));
  const char *p = text;

  g_array_set_clear_func (tokens, (GDestroyNotify) token_clear);

  for (;;)
    {
      Token token = { 0 };

      while (is_space (*p))
        p++;
      if (*p == '\0')
        break;

      if (*p == '-' && p[1] != '\0' && !is_space (p[1]))
        {
          token.negated = TRUE;
          p++;
        }

      if (*p == '"')
        {
          token.value = read_quoted (&p);
          token.quoted = TRUE;
        }
      else
        {
          const char *start = p;
          const char *colon = NULL;

          while (*p != '\0' && !is_space (*p))
            {
              if (*p == ':' && colon == NULL)
                {
                  colon = p;
                  if (p[1] == '"')
                    break;
                }
              p++;
            }

          if (colon != NULL && colon > start)
            {
              token.field = g_ascii_strdown (start, colon - start);
              if (*p == ':' && p[1] == '"')
                {
                  p++;
                  token.value = read_quoted (&p);
                  token.quoted = TRUE;
                }
              else
                token.value = g_strndup (colon + 1, p - colon - 1);
            }
          else
            token.value = g_strndup (start, p - start);

          if (token.field == NULL && !token.negated && strcmp (token.value, "OR") == 0)
            token.or_op = TRUE;
        }

      g_array_append_val (tokens, token);
    }

  return tokens;
}

/* ---- FTS5 expressions ----------------------------------------------------------- */

static gboolean
has_word_char (const char *s)
{
  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char_validated (p, -1);
      if (c == (gunichar) -1 || c == (gunichar) -2)
        return FALSE;
      if (g_unichar_isalnum (c) || g_unichar_ismark (c))
        return TRUE;
    }
  return FALSE;
}

/* Returns the FTS5 expression for one term, or NULL when it has nothing to find. */
static char *
fts_term (const char *columns, const char *value)
{
  g_autofree char *word = g_strdup (value);
  gboolean prefix = FALSE;
  GString *s;
  gsize len = strlen (word);

  if (len > 1 && word[len - 1] == '*')
    {
      prefix = TRUE;
      word[len - 1] = '\0';
    }
  if (!g_utf8_validate (word, -1, NULL) || !has_word_char (word))
    return NULL;

  s = g_string_new (NULL);
  if (columns != NULL)
    g_string_append_printf (s, "%s : ", columns);
  g_string_append_c (s, '"');
  for (const char *p = word; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append (s, "\"\"");
      else
        g_string_append_c (s, *p);
    }
  g_string_append_c (s, '"');
  if (prefix)
    g_string_append (s, " *");
  return g_string_free (s, FALSE);
}

static const char *
field_columns (const char *field)
{
  static const struct
  {
    const char *field;
    const char *columns;
  } map[] = {
    { "from", "sender" },
    { "to", "recipients" },
    { "cc", "recipients" },
    { "bcc", "recipients" },
    { "subject", "subject" },
    { "body", "body" },
    { "attachment", "attachments" },
    { "filename", "attachments" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (strcmp (field, map[i].field) == 0)
      return map[i].columns;
  return NULL;
}

/* ---- dates ---------------------------------------------------------------------- */

static GDateTime *
parse_date (const char *value)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  int y = 0, m = 1, d = 1;
  char sep1 = 0, sep2 = 0;
  int n;

  if (g_ascii_strcasecmp (value, "today") == 0)
    return g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                  g_date_time_get_day_of_month (now), 0, 0, 0);
  if (g_ascii_strcasecmp (value, "yesterday") == 0)
    {
      g_autoptr(GDateTime) today = g_date_time_new_local (g_date_time_get_year (now),
                                                          g_date_time_get_month (now),
                                                          g_date_time_get_day_of_month (now),
                                                          0, 0, 0);
      return g_date_time_add_days (today, -1);
    }

  for (const char *p = value; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && *p != '-' && *p != '/' && *p != '.')
      return NULL;

  n = sscanf (value, "%4d%c%2d%c%2d", &y, &sep1, &m, &sep2, &d);
  if (n == 1 && strlen (value) == 4)
    m = d = 1;
  else if (n == 3 && (sep1 == '-' || sep1 == '/'))
    d = 1;
  else if (n == 5 && (sep1 == '-' || sep1 == '/') && sep2 == sep1)
    ;
  else
    return NULL;

  if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
    return NULL;
  return g_date_time_new_local (y, m, d, 0, 0, 0);
}

/* ---- parser --------------------------------------------------------------------- */

typedef struct
{
  char     *expr;
  gboolean  negated;
  gboolean  or_with_next;
} FtsPart;

static void
fts_part_clear (FtsPart *part)
{
  g_free (part->expr);
}

static gboolean
set_tristate (TernStoreQueryTristate *state, gboolean yes)
{
  *state = yes ? TERN_STORE_QUERY_YES : TERN_STORE_QUERY_NO;
  return TRUE;
}

static gboolean
apply_is (TernStoreQuery *self, const char *value, gboolean negated, GError **error)
{
  g_autofree char *v = g_ascii_strdown (value, -1);

  if (strcmp (v, "unread") == 0)
    return set_tristate (&self->unread, !negated);
  if (strcmp (v, "read") == 0 || strcmp (v, "seen") == 0)
    return set_tristate (&self->unread, negated);
  if (strcmp (v, "flagged") == 0 || strcmp (v, "starred") == 0)
    return set_tristate (&self->flagged, !negated);
  if (strcmp (v, "unflagged") == 0 || strcmp (v, "unstarred") == 0)
    return set_tristate (&self->flagged, negated);
  if (strcmp (v, "answered") == 0 || strcmp (v, "replied") == 0)
    return set_tristate (&self->answered, !negated);
  if (strcmp (v, "draft") == 0)
    return set_tristate (&self->draft, !negated);
  if (strcmp (v, "deleted") == 0)
    return set_tristate (&self->deleted, !negated);

  g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_INVALID_QUERY,
               _("Unknown “is:%s”: use is:unread, is:read, is:flagged, is:unflagged, "
                 "is:answered, is:draft or is:deleted"), value);
  return FALSE;
}

/**
 * tern_store_query_parse:
 * @text: a query in the search language (see the top of this file)
 * @error: return location for a %TERN_STORE_ERROR_INVALID_QUERY error
 *
 * Returns: (transfer full): the parsed query, or %NULL
 */
TernStoreQuery *
tern_store_query_parse (const char *text, GError **error)
{
  g_autoptr(TernStoreQuery) self = NULL;
  g_autoptr(GArray) tokens = NULL;
  g_autoptr(GArray) parts = NULL;
  gboolean pending_or = FALSE;

  g_return_val_if_fail (text != NULL, NULL);

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_INVALID_QUERY,
                   _("The search text is not valid UTF-8"));
      return NULL;
    }

  self = g_object_new (TERN_TYPE_STORE_QUERY, NULL);
  self->text = g_strdup (text);
  tokens = tokenize (text);
  parts = g_array_new (FALSE, TRUE, sizeof (FtsPart));
  g_array_set_clear_func (parts, (GDestroyNotify) fts_part_clear);

  for (guint i = 0; i < tokens->len; i++)
    {
      Token *t = &g_array_index (tokens, Token, i);
      const char *columns = NULL;
      char *expr = NULL;

      if (t->or_op)
        {
          if (parts->len == 0 || pending_or)
            {
              g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_INVALID_QUERY,
                           _("“OR” must stand between two words"));
              return NULL;
            }
          pending_or = TRUE;
          continue;
        }

      if (t->field != NULL && (columns = field_columns (t->field)) != NULL)
        expr = fts_term (columns, t->value);
      else if (t->field != NULL && strcmp (t->field, "is") == 0)
        {
          if (pending_or)
            goto or_error;
          if (!apply_is (self, t->value, t->negated, error))
            return NULL;
          continue;
        }
      else if (t->field != NULL && strcmp (t->field, "has") == 0)
        {
          g_autofree char *v = g_ascii_strdown (t->value, -1);

          if (pending_or)
            goto or_error;
          if (strcmp (v, "attachment") != 0 && strcmp (v, "attachments") != 0)
            {
              g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_INVALID_QUERY,
                           _("Unknown “has:%s”: use has:attachment"), t->value);
              return NULL;
            }
          set_tristate (&self->has_attachment, !t->negated);
          continue;
        }
      else if (t->field != NULL && (strcmp (t->field, "in") == 0 || strcmp (t->field, "folder") == 0))
        {
          if (pending_or)
            goto or_error;
          if (*t->value == '\0')
            {
              g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_INVALID_QUERY,
                           _("“in:” needs a folder name"));
              return NULL;
            }
          g_ptr_array_add (t->negated ? self->excluded_folders : self->folders, g_strdup (t->value));
          continue;
        }
      else if (t->field != NULL && (strcmp (t->field, "before") == 0 || strcmp (t->field, "after") == 0))
        {
          g_autoptr(GDateTime) date = parse_date (t->value);
          gboolean before = strcmp (t->field, "before") == 0;

          if (pending_or)
            goto or_error;
          if (date == NULL)
            {
              g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_INVALID_QUERY,
                           _("Cannot read the date “%s” of “%s:”: write it as YYYY-MM-DD"),
                           t->value, t->field);
              return NULL;
            }
          /* -before:X is after:X and the other way round. */
          if (before != t->negated)
            {
              gint64 v = g_date_time_to_unix (date);
              self->before = self->before == 0 ? v : MIN (self->before, v);
            }
          else
            self->after = MAX (self->after, g_date_time_to_unix (date));
          continue;
        }
      else if (t->field != NULL)
        {
          /* Not an operator: search the whole "name:value" as text. */
          g_autofree char *whole = g_strconcat (t->field, ":", t->value, NULL);
          expr = fts_term (NULL, whole);
        }
      else
        expr = fts_term (NULL, t->value);

      if (expr == NULL)
        {
          if (pending_or)
            goto or_error;
          continue;
        }

      {
        FtsPart part = { expr, t->negated, FALSE };

        if (pending_or)
          {
            FtsPart *prev = &g_array_index (parts, FtsPart, parts->len - 1);
            if (prev->negated || t->negated)
              {
                g_free (expr);
                g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_INVALID_QUERY,
                             _("“OR” cannot join negated words"));
                return NULL;
              }
            prev->or_with_next = TRUE;
            pending_or = FALSE;
          }
        g_array_append_val (parts, part);
      }
    }

  if (pending_or)
    goto or_error;

  /* Build "(a OR b) AND c NOT d NOT e", or only the exclusions. */
  {
    GString *positive = g_string_new (NULL);
    GString *negative = g_string_new (NULL);
    GString *excluded = g_string_new (NULL);

    for (guint i = 0; i < parts->len; i++)
      {
        FtsPart *part = &g_array_index (parts, FtsPart, i);

        if (part->negated)
          {
            g_string_append_printf (negative, " NOT %s", part->expr);
            if (excluded->len > 0)
              g_string_append (excluded, " OR ");
            g_string_append (excluded, part->expr);
            continue;
          }

        if (positive->len > 0)
          g_string_append (positive, " AND ");
        if (part->or_with_next || (i > 0 && g_array_index (parts, FtsPart, i - 1).or_with_next))
          {
            /* A run of OR-ed words becomes one group. */
            g_string_append_c (positive, '(');
            while (TRUE)
              {
                g_string_append (positive, g_array_index (parts, FtsPart, i).expr);
                if (!g_array_index (parts, FtsPart, i).or_with_next || i + 1 >= parts->len)
                  break;
                g_string_append (positive, " OR ");
                i++;
              }
            g_string_append_c (positive, ')');
          }
        else
          g_string_append (positive, part->expr);
      }

    if (positive->len > 0)
      {
        g_string_append (positive, negative->str);
        self->match = g_string_free (positive, FALSE);
      }
    else
      {
        g_string_free (positive, TRUE);
        if (excluded->len > 0)
          self->exclude_match = g_string_free (g_steal_pointer (&excluded), FALSE);
      }
    g_string_free (negative, TRUE);
    if (excluded != NULL)
      g_string_free (excluded, TRUE);
  }

  return g_steal_pointer (&self);

or_error:
  g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_INVALID_QUERY,
               _("“OR” can only join words, not is:, has:, in:, before: or after:"));
  return NULL;
}

const char *
tern_store_query_get_text (TernStoreQuery *self)
{
  g_return_val_if_fail (TERN_IS_STORE_QUERY (self), NULL);
  return self->text;
}

/**
 * tern_store_query_get_match:
 *
 * Returns: (nullable): the FTS5 MATCH expression, or %NULL when the query has no
 *   word to look for (only filters, or only excluded words)
 */
const char *
tern_store_query_get_match (TernStoreQuery *self)
{
  g_return_val_if_fail (TERN_IS_STORE_QUERY (self), NULL);
  return self->match;
}

/**
 * tern_store_query_get_exclude_match:
 *
 * Returns: (nullable): when the query has only negated words, an FTS5 expression
 *   matching the messages to leave out; %NULL otherwise
 */
const char *
tern_store_query_get_exclude_match (TernStoreQuery *self)
{
  g_return_val_if_fail (TERN_IS_STORE_QUERY (self), NULL);
  return self->exclude_match;
}

#define TRISTATE_GETTER(name) \
  TernStoreQueryTristate \
  tern_store_query_get_##name (TernStoreQuery *self) \
  { \
    g_return_val_if_fail (TERN_IS_STORE_QUERY (self), TERN_STORE_QUERY_ANY); \
    return self->name; \
  }

TRISTATE_GETTER (unread)
TRISTATE_GETTER (flagged)
TRISTATE_GETTER (answered)
TRISTATE_GETTER (draft)
TRISTATE_GETTER (deleted)
TRISTATE_GETTER (has_attachment)

/**
 * tern_store_query_get_folders:
 *
 * Returns: (array zero-terminated=1): the folders of in: terms (a message in any
 *   of them matches); empty for all folders
 */
const char * const *
tern_store_query_get_folders (TernStoreQuery *self)
{
  static const char * const empty[] = { NULL };

  g_return_val_if_fail (TERN_IS_STORE_QUERY (self), NULL);
  /* An empty array's pdata may be NULL. */
  return self->folders->len > 0 ? (const char * const *) self->folders->pdata : empty;
}

const char * const *
tern_store_query_get_excluded_folders (TernStoreQuery *self)
{
  static const char * const empty[] = { NULL };

  g_return_val_if_fail (TERN_IS_STORE_QUERY (self), NULL);
  return self->excluded_folders->len > 0 ? (const char * const *) self->excluded_folders->pdata : empty;
}

/**
 * tern_store_query_get_after:
 *
 * Returns: the earliest date (Unix time, inclusive), or 0 for none
 */
gint64
tern_store_query_get_after (TernStoreQuery *self)
{
  g_return_val_if_fail (TERN_IS_STORE_QUERY (self), 0);
  return self->after;
}

/**
 * tern_store_query_get_before:
 *
 * Returns: the end date (Unix time, exclusive), or 0 for none
 */
gint64
tern_store_query_get_before (TernStoreQuery *self)
{
  g_return_val_if_fail (TERN_IS_STORE_QUERY (self), 0);
  return self->before;
}

/**
 * tern_store_query_is_empty:
 *
 * Returns: whether the query matches every message
 */
gboolean
tern_store_query_is_empty (TernStoreQuery *self)
{
  g_return_val_if_fail (TERN_IS_STORE_QUERY (self), TRUE);
  return self->match == NULL && self->exclude_match == NULL &&
         self->unread == TERN_STORE_QUERY_ANY && self->flagged == TERN_STORE_QUERY_ANY &&
         self->answered == TERN_STORE_QUERY_ANY && self->draft == TERN_STORE_QUERY_ANY &&
         self->deleted == TERN_STORE_QUERY_ANY && self->has_attachment == TERN_STORE_QUERY_ANY &&
         self->folders->len == 0 && self->excluded_folders->len == 0 &&
         self->after == 0 && self->before == 0;
}
