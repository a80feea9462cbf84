/* tern-imap-uid-set.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "tern-imap-uid-set.h"

/* Ranges, in the order the server gave them; a range stays a range, so that a hostile
 * "1:4294967295" costs eight bytes, not sixteen gigabytes. "*" is G_MAXUINT32. */

typedef struct
{
  guint32 first;
  guint32 last;
} Range;

struct _TernImapUidSet
{
  gatomicrefcount  ref_count;
  GArray          *ranges;
};

G_DEFINE_BOXED_TYPE (TernImapUidSet, tern_imap_uid_set, tern_imap_uid_set_ref, tern_imap_uid_set_unref)

TernImapUidSet *
tern_imap_uid_set_new (void)
{
  TernImapUidSet *self = g_new0 (TernImapUidSet, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->ranges = g_array_new (FALSE, FALSE, sizeof (Range));
  return self;
}

static const char *
parse_number (const char *p,
              const char *end,
              guint32    *out)
{
  guint64 n = 0;
  const char *start = p;

  if (p < end && *p == '*')
    {
      *out = G_MAXUINT32;
      return p + 1;
    }
  while (p < end && g_ascii_isdigit (*p))
    {
      n = n * 10 + (*p - '0');
      if (n > G_MAXUINT32)
        return NULL;
      p++;
    }
  if (p == start || n == 0)
    return NULL;
  *out = (guint32) n;
  return p;
}

/**
 * tern_imap_uid_set_parse:
 * @text: a sequence set: "1:5,7,10:*"
 * @length: the length of @text, or -1
 *
 * Returns: (transfer full) (nullable): the set, or %NULL when @text is not a sequence
 *   set
 */
TernImapUidSet *
tern_imap_uid_set_parse (const char *text,
                         gssize      length)
{
  g_autoptr(TernImapUidSet) self = NULL;
  const char *p = text;
  const char *end;

  g_return_val_if_fail (text != NULL, NULL);

  end = text + (length < 0 ? strlen (text) : (gsize) length);
  self = tern_imap_uid_set_new ();
  for (;;)
    {
      guint32 first, last;

      p = parse_number (p, end, &first);
      if (p == NULL)
        return NULL;
      last = first;
      if (p < end && *p == ':')
        {
          p = parse_number (p + 1, end, &last);
          if (p == NULL)
            return NULL;
        }
      tern_imap_uid_set_add_range (self, first, last);
      if (p == end)
        break;
      if (*p != ',')
        return NULL;
      p++;
    }

  return g_steal_pointer (&self);
}

/**
 * tern_imap_uid_set_new_from_value:
 *
 * Returns: (transfer full) (nullable): the set in a number or an atom
 */
TernImapUidSet *
tern_imap_uid_set_new_from_value (const TernImapValue *value)
{
  if (value == NULL || (value->kind != TERN_IMAP_VALUE_NUMBER && value->kind != TERN_IMAP_VALUE_ATOM))
    return NULL;
  return tern_imap_uid_set_parse (value->data, value->length);
}

TernImapUidSet *
tern_imap_uid_set_ref (TernImapUidSet *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
tern_imap_uid_set_unref (TernImapUidSet *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_array_unref (self->ranges);
      g_free (self);
    }
}

/**
 * tern_imap_uid_set_add_range:
 *
 * Adds @first:@last (in either order); a range that continues the last one extends it.
 */
void
tern_imap_uid_set_add_range (TernImapUidSet *self,
                             guint32         first,
                             guint32         last)
{
  Range range;

  g_return_if_fail (self != NULL);

  range.first = MIN (first, last);
  range.last = MAX (first, last);
  if (self->ranges->len > 0)
    {
      Range *tail = &g_array_index (self->ranges, Range, self->ranges->len - 1);

      if (tail->last != G_MAXUINT32 && tail->last + 1 == range.first)
        {
          tail->last = range.last;
          return;
        }
    }
  g_array_append_val (self->ranges, range);
}

void
tern_imap_uid_set_add (TernImapUidSet *self,
                       guint32         uid)
{
  tern_imap_uid_set_add_range (self, uid, uid);
}

guint
tern_imap_uid_set_get_n_ranges (const TernImapUidSet *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->ranges->len;
}

void
tern_imap_uid_set_get_range (const TernImapUidSet *self,
                             guint                 index,
                             guint32              *first,
                             guint32              *last)
{
  const Range *range;

  g_return_if_fail (self != NULL);
  g_return_if_fail (index < self->ranges->len);

  range = &g_array_index (self->ranges, Range, index);
  if (first != NULL)
    *first = range->first;
  if (last != NULL)
    *last = range->last;
}

/**
 * tern_imap_uid_set_get_count:
 *
 * Returns: how many numbers the ranges cover (overlaps counted twice)
 */
guint64
tern_imap_uid_set_get_count (const TernImapUidSet *self)
{
  guint64 count = 0;

  g_return_val_if_fail (self != NULL, 0);

  for (guint i = 0; i < self->ranges->len; i++)
    {
      const Range *range = &g_array_index (self->ranges, Range, i);

      count += (guint64) range->last - range->first + 1;
    }
  return count;
}

gboolean
tern_imap_uid_set_contains (const TernImapUidSet *self,
                            guint32               uid)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (guint i = 0; i < self->ranges->len; i++)
    {
      const Range *range = &g_array_index (self->ranges, Range, i);

      if (uid >= range->first && uid <= range->last)
        return TRUE;
    }
  return FALSE;
}

/**
 * tern_imap_uid_set_to_array:
 * @max_count: the most numbers to return
 *
 * Returns: (transfer full) (nullable): the numbers as a #GArray of guint32, in the
 *   set's order; %NULL when there are more than @max_count
 */
GArray *
tern_imap_uid_set_to_array (const TernImapUidSet *self,
                            guint                 max_count)
{
  GArray *out;

  g_return_val_if_fail (self != NULL, NULL);

  if (tern_imap_uid_set_get_count (self) > max_count)
    return NULL;

  out = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint i = 0; i < self->ranges->len; i++)
    {
      const Range *range = &g_array_index (self->ranges, Range, i);

      for (guint64 uid = range->first; uid <= range->last; uid++)
        {
          guint32 u = (guint32) uid;

          g_array_append_val (out, u);
        }
    }
  return out;
}

char *
tern_imap_uid_set_to_string (const TernImapUidSet *self)
{
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);

  out = g_string_new (NULL);
  for (guint i = 0; i < self->ranges->len; i++)
    {
      const Range *range = &g_array_index (self->ranges, Range, i);

      if (i > 0)
        g_string_append_c (out, ',');
      if (range->first == G_MAXUINT32)
        g_string_append_c (out, '*');
      else
        g_string_append_printf (out, "%u", range->first);
      if (range->last != range->first)
        {
          if (range->last == G_MAXUINT32)
            g_string_append (out, ":*");
          else
            g_string_append_printf (out, ":%u", range->last);
        }
    }
  return g_string_free (out, FALSE);
}

/**
 * tern_imap_uid_set_is_valid_text:
 *
 * Returns: whether @text is a sequence set (what the commands accept as text)
 */
gboolean
tern_imap_uid_set_is_valid_text (const char *text)
{
  g_autoptr(TernImapUidSet) set = NULL;

  if (text == NULL)
    return FALSE;
  set = tern_imap_uid_set_parse (text, -1);
  return set != NULL;
}
