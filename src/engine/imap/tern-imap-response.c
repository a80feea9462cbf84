/* tern-imap-response.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tern-imap-body-structure.h"
#include "tern-imap-envelope.h"
#include "tern-imap-response-private.h"
#include "tern-imap-utf7.h"

#define FIRST_BLOCK_SIZE 4096

struct _TernImapArenaBlock
{
  TernImapArenaBlock *next;
  gsize               size;
  gsize               used;
  /* data follows, aligned */
};

#define BLOCK_HEADER (sizeof (TernImapArenaBlock) + (-sizeof (TernImapArenaBlock) & 15))
#define BLOCK_DATA(b) ((guint8 *) (b) + BLOCK_HEADER)

G_DEFINE_BOXED_TYPE (TernImapResponse, tern_imap_response,
                     tern_imap_response_ref, tern_imap_response_unref)

static TernImapArenaBlock *
block_new (gsize size)
{
  TernImapArenaBlock *block = g_malloc (BLOCK_HEADER + size);

  block->next = NULL;
  block->size = size;
  block->used = 0;
  return block;
}

TernImapResponse *
_tern_imap_response_new (void)
{
  TernImapResponse *self = g_new0 (TernImapResponse, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->blocks = block_new (FIRST_BLOCK_SIZE);
  _tern_imap_response_reset (self);
  return self;
}

/* Empties the response for reuse: keeps the first arena block, frees the others and
 * drops the literal buffers. */
void
_tern_imap_response_reset (TernImapResponse *self)
{
  TernImapArenaBlock *block = self->blocks->next;

  if (block != NULL)
    {
      gsize needed = self->arena_size;

      while (block != NULL)
        {
          TernImapArenaBlock *next = block->next;

          g_free (block);
          block = next;
        }
      self->blocks->next = NULL;

      /* Responses of this size seem usual: grow the first block (up to 64 KiB) so that
       * the next ones fit in it. */
      if (needed > self->blocks->size && needed <= 64 * 1024)
        {
          g_free (self->blocks);
          self->blocks = block_new (g_bit_storage (needed) < 64 ? (gsize) 1 << g_bit_storage (needed) : needed);
        }
    }
  self->blocks->used = 0;
  self->arena_size = 0;

  if (self->owned_bytes != NULL)
    g_ptr_array_set_size (self->owned_bytes, 0);

  self->kind = TERN_IMAP_RESPONSE_UNTAGGED;
  self->status = TERN_IMAP_STATUS_NONE;
  self->tag = NULL;
  self->name = "";
  self->number = 0;
  self->has_number = FALSE;
  self->code = NULL;
  self->text = NULL;
  memset (&self->data, 0, sizeof self->data);
  self->data.kind = TERN_IMAP_VALUE_LIST;
}

gpointer
_tern_imap_response_alloc (TernImapResponse *self,
                           gsize             size)
{
  TernImapArenaBlock *block = self->blocks;
  gpointer p;

  size = (size + 7) & ~(gsize) 7;
  /* The newest block is at the head after the first one: search the head only. */
  if (block->next != NULL)
    block = block->next;
  if (block->size - block->used < size)
    {
      TernImapArenaBlock *fresh = block_new (MAX (size, MAX (FIRST_BLOCK_SIZE, block->size * 2)));

      /* Keep the first block first (it survives resets); newer blocks follow it,
       * newest first. */
      fresh->next = self->blocks->next;
      self->blocks->next = fresh;
      block = fresh;
    }

  p = BLOCK_DATA (block) + block->used;
  block->used += size;
  self->arena_size += size;
  return p;
}

TernImapValue *
_tern_imap_response_new_value (TernImapResponse  *self,
                               TernImapValueKind  kind)
{
  TernImapValue *value = _tern_imap_response_alloc (self, sizeof (TernImapValue));

  memset (value, 0, sizeof *value);
  value->kind = kind;
  return value;
}

const char *
_tern_imap_response_strdup (TernImapResponse *self,
                            const char       *data,
                            gsize             length)
{
  char *copy = _tern_imap_response_alloc (self, length + 1);

  memcpy (copy, data, length);
  copy[length] = '\0';
  return copy;
}

void
_tern_imap_response_own_bytes (TernImapResponse *self,
                               GBytes           *bytes)
{
  if (self->owned_bytes == NULL)
    self->owned_bytes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_ptr_array_add (self->owned_bytes, bytes);
}

TernImapResponse *
tern_imap_response_ref (TernImapResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
tern_imap_response_unref (TernImapResponse *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  _tern_imap_response_reset (self);
  g_free (self->blocks);
  g_clear_pointer (&self->owned_bytes, g_ptr_array_unref);
  g_free (self);
}

TernImapResponseKind
tern_imap_response_get_kind (const TernImapResponse *self)
{
  g_return_val_if_fail (self != NULL, TERN_IMAP_RESPONSE_UNTAGGED);

  return self->kind;
}

/**
 * tern_imap_response_get_tag:
 *
 * Returns: (nullable): the tag of a tagged response
 */
const char *
tern_imap_response_get_tag (const TernImapResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->tag;
}

TernImapStatus
tern_imap_response_get_status (const TernImapResponse *self)
{
  g_return_val_if_fail (self != NULL, TERN_IMAP_STATUS_NONE);

  return self->status;
}

/**
 * tern_imap_response_get_name:
 *
 * Returns: the upper-case name of an untagged response ("FETCH", "EXISTS", "LIST",
 *   "OK", ...), of a tagged status ("OK", "NO", "BAD"), or "" for a continuation
 */
const char *
tern_imap_response_get_name (const TernImapResponse *self)
{
  g_return_val_if_fail (self != NULL, "");

  return self->name;
}

gboolean
tern_imap_response_is (const TernImapResponse *self,
                       const char             *name)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return strcmp (self->name, name) == 0;
}

/**
 * tern_imap_response_get_number:
 *
 * Returns: whether the response has a number before its name (`* 5 EXISTS`)
 */
gboolean
tern_imap_response_get_number (const TernImapResponse *self,
                               guint32                *number)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (number != NULL)
    *number = self->number;
  return self->has_number;
}

/**
 * tern_imap_response_get_data:
 *
 * Returns: a list of the values after the response's name (`* LIST (\Noselect) "/" foo`
 *   gives `((\Noselect) "/" foo)`)
 */
const TernImapValue *
tern_imap_response_get_data (const TernImapResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return &self->data;
}

const TernImapValue *
tern_imap_response_get_data_item (const TernImapResponse *self,
                                  guint                   index)
{
  g_return_val_if_fail (self != NULL, NULL);

  return tern_imap_value_get_child (&self->data, index);
}

/**
 * tern_imap_response_get_code_name:
 *
 * Returns: (nullable): the upper-case name of the response code (`UIDVALIDITY` in
 *   `* OK [UIDVALIDITY 3857529045] UIDs valid`)
 */
const char *
tern_imap_response_get_code_name (const TernImapResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (self->code == NULL || self->code->children == NULL)
    return NULL;
  return self->code->children->data;
}

/**
 * tern_imap_response_get_code_arg:
 *
 * Returns: (nullable): the @index'th argument of the response code (0 is the first
 *   one after its name)
 */
const TernImapValue *
tern_imap_response_get_code_arg (const TernImapResponse *self,
                                 guint                   index)
{
  g_return_val_if_fail (self != NULL, NULL);

  return tern_imap_value_get_child (self->code, index + 1);
}

/**
 * tern_imap_response_get_code:
 *
 * Returns: (nullable): the whole response code as a list
 */
const TernImapValue *
tern_imap_response_get_code (const TernImapResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->code;
}

/**
 * tern_imap_response_get_text:
 *
 * Returns: (nullable): the human-readable text of a status response or a
 *   continuation, raw (not necessarily UTF-8)
 */
const char *
tern_imap_response_get_text (const TernImapResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->text;
}

static const char *
status_name (TernImapStatus status)
{
  switch (status)
    {
    case TERN_IMAP_STATUS_OK:
      return "OK";
    case TERN_IMAP_STATUS_NO:
      return "NO";
    case TERN_IMAP_STATUS_BAD:
      return "BAD";
    case TERN_IMAP_STATUS_BYE:
      return "BYE";
    case TERN_IMAP_STATUS_PREAUTH:
      return "PREAUTH";
    case TERN_IMAP_STATUS_NONE:
    default:
      return "";
    }
}

/**
 * tern_imap_response_to_string:
 *
 * Returns: (transfer full): a readable, normalized form of the response (for tests
 *   and logs)
 */
char *
tern_imap_response_to_string (const TernImapResponse *self)
{
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);

  out = g_string_new (NULL);
  switch (self->kind)
    {
    case TERN_IMAP_RESPONSE_CONTINUATION:
      g_string_append_printf (out, "+ %s", self->text ? self->text : "");
      return g_string_free (out, FALSE);
    case TERN_IMAP_RESPONSE_TAGGED:
      g_string_append (out, self->tag);
      break;
    case TERN_IMAP_RESPONSE_UNTAGGED:
    default:
      g_string_append_c (out, '*');
      break;
    }

  if (self->has_number)
    g_string_append_printf (out, " %u", self->number);
  g_string_append_printf (out, " %s", self->kind == TERN_IMAP_RESPONSE_TAGGED ? status_name (self->status)
                                                                               : self->name);
  if (self->status != TERN_IMAP_STATUS_NONE)
    {
      if (self->code != NULL)
        {
          g_autofree char *code = tern_imap_value_to_string (self->code);

          code[0] = '[';
          code[strlen (code) - 1] = ']';
          g_string_append_printf (out, " %s", code);
        }
      if (self->text != NULL && self->text[0] != '\0')
        g_string_append_printf (out, " %s", self->text);
    }
  else
    {
      for (const TernImapValue *v = self->data.children; v != NULL; v = v->next)
        {
          g_autofree char *s = tern_imap_value_to_string (v);

          g_string_append_printf (out, " %s", s);
        }
    }

  return g_string_free (out, FALSE);
}

/* ---- FETCH ---------------------------------------------------------------------- */

/**
 * tern_imap_response_get_fetch_item:
 * @item: the item's name as the server returns it: "UID", "FLAGS", "BODY[]",
 *   "BODY[HEADER.FIELDS (FROM)]", ... (case-insensitive)
 *
 * Returns: (nullable): the value of a FETCH item, %NULL when the response is not a
 *   FETCH or lacks the item
 */
const TernImapValue *
tern_imap_response_get_fetch_item (const TernImapResponse *self,
                                   const char             *item)
{
  const TernImapValue *list;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (item != NULL, NULL);

  if (strcmp (self->name, "FETCH") != 0)
    return NULL;
  list = self->data.children;
  if (!tern_imap_value_is_list (list))
    return NULL;

  for (const TernImapValue *key = list->children; key != NULL && key->next != NULL; key = key->next->next)
    {
      if (key->kind == TERN_IMAP_VALUE_ATOM && g_ascii_strcasecmp (key->data, item) == 0)
        return key->next;
    }
  return NULL;
}

gboolean
tern_imap_response_get_fetch_uid (const TernImapResponse *self,
                                  guint32                *uid)
{
  return tern_imap_value_get_uint32 (tern_imap_response_get_fetch_item (self, "UID"), uid);
}

/* MODSEQ (12345) */
gboolean
tern_imap_response_get_fetch_modseq (const TernImapResponse *self,
                                     guint64                *modseq)
{
  const TernImapValue *v = tern_imap_response_get_fetch_item (self, "MODSEQ");

  if (tern_imap_value_get_n_children (v) != 1)
    return FALSE;
  return tern_imap_value_get_number (v->children, modseq);
}

gboolean
tern_imap_response_get_fetch_rfc822_size (const TernImapResponse *self,
                                          guint64                *size)
{
  return tern_imap_value_get_number (tern_imap_response_get_fetch_item (self, "RFC822.SIZE"), size);
}

/**
 * tern_imap_response_dup_fetch_flags:
 *
 * Returns: (transfer full) (nullable): the FLAGS item, such as `\Seen` and `$Junk`
 */
char **
tern_imap_response_dup_fetch_flags (const TernImapResponse *self)
{
  return tern_imap_value_dup_atoms (tern_imap_response_get_fetch_item (self, "FLAGS"));
}

static int
parse_digits (const char **p,
              int          min_digits,
              int          max_digits)
{
  int value = 0;
  int n = 0;

  while (n < max_digits && g_ascii_isdigit (**p))
    {
      value = value * 10 + (**p - '0');
      (*p)++;
      n++;
    }
  return n >= min_digits ? value : -1;
}

/**
 * tern_imap_parse_date_time:
 * @text: an IMAP date-time: `17-Jul-1996 02:44:25 -0700` (the day may be padded with a
 *   space)
 *
 * Returns: (transfer full) (nullable): the time, or %NULL when @text is not a date-time
 */
GDateTime *
tern_imap_parse_date_time (const char *text)
{
  static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
  g_autoptr(GTimeZone) zone = NULL;
  const char *p = text;
  int day, month = -1, year, hour, minute, second, zh, zm, sign;
  char zone_id[8];

  if (text == NULL)
    return NULL;
  if (*p == ' ')
    p++;
  day = parse_digits (&p, 1, 2);
  if (day < 1 || *p++ != '-')
    return NULL;
  for (int i = 0; i < 12; i++)
    {
      if (g_ascii_strncasecmp (p, months + i * 3, 3) == 0)
        month = i + 1;
    }
  if (month < 0)
    return NULL;
  p += 3;
  if (*p++ != '-')
    return NULL;
  year = parse_digits (&p, 4, 4);
  if (year < 0 || *p++ != ' ')
    return NULL;
  hour = parse_digits (&p, 2, 2);
  if (hour < 0 || *p++ != ':')
    return NULL;
  minute = parse_digits (&p, 2, 2);
  if (minute < 0 || *p++ != ':')
    return NULL;
  second = parse_digits (&p, 2, 2);
  if (second < 0 || *p++ != ' ')
    return NULL;
  if (*p != '+' && *p != '-')
    return NULL;
  sign = *p++ == '-' ? -1 : 1;
  zh = parse_digits (&p, 2, 2);
  zm = parse_digits (&p, 2, 2);
  if (zh < 0 || zm < 0 || zm > 59 || *p != '\0')
    return NULL;

  g_snprintf (zone_id, sizeof zone_id, "%c%02d:%02d", sign < 0 ? '-' : '+', zh, zm);
  zone = g_time_zone_new_identifier (zone_id);
  if (zone == NULL)
    return NULL;
  return g_date_time_new (zone, year, month, day, hour, minute, second);
}

/**
 * tern_imap_response_dup_fetch_internaldate:
 *
 * Returns: (transfer full) (nullable): the INTERNALDATE item
 */
GDateTime *
tern_imap_response_dup_fetch_internaldate (const TernImapResponse *self)
{
  const TernImapValue *v = tern_imap_response_get_fetch_item (self, "INTERNALDATE");

  if (!tern_imap_value_is_string (v))
    return NULL;
  return tern_imap_parse_date_time (v->data);
}

/**
 * tern_imap_response_dup_fetch_envelope:
 *
 * Returns: (transfer full) (nullable): the ENVELOPE item
 */
TernImapEnvelope *
tern_imap_response_dup_fetch_envelope (const TernImapResponse *self)
{
  return tern_imap_envelope_new_from_value (tern_imap_response_get_fetch_item (self, "ENVELOPE"));
}

/**
 * tern_imap_response_dup_fetch_body_structure:
 *
 * Returns: (transfer full) (nullable): the BODYSTRUCTURE item, or else the BODY item
 *   (the same without extension data)
 */
TernImapBodyStructure *
tern_imap_response_dup_fetch_body_structure (const TernImapResponse *self)
{
  const TernImapValue *v = tern_imap_response_get_fetch_item (self, "BODYSTRUCTURE");

  if (v == NULL)
    v = tern_imap_response_get_fetch_item (self, "BODY");
  return tern_imap_body_structure_new_from_value (v);
}

/**
 * tern_imap_response_get_fetch_section:
 * @section: "BODY[]", "BODY[HEADER]", "BODY[1.2]", "BINARY[2]", "RFC822", ...
 * @length: (out) (optional): the section's length
 *
 * Gives the data without copying it; it lives as long as the response.
 *
 * Returns: (nullable): the section's data; %NULL when it is absent or NIL
 */
const char *
tern_imap_response_get_fetch_section (const TernImapResponse *self,
                                      const char             *section,
                                      gsize                  *length)
{
  return tern_imap_value_get_nstring (tern_imap_response_get_fetch_item (self, section), length);
}

/**
 * tern_imap_response_dup_fetch_section:
 *
 * Returns: (transfer full) (nullable): the section's data; a message body read into its
 *   own buffer is returned as a new reference, without a copy
 */
GBytes *
tern_imap_response_dup_fetch_section (const TernImapResponse *self,
                                      const char             *section)
{
  return tern_imap_value_dup_bytes (tern_imap_response_get_fetch_item (self, section));
}

/**
 * tern_imap_response_dup_fetch_gmail_labels:
 *
 * Returns: (transfer full) (nullable): Gmail's X-GM-LABELS, decoded from modified
 *   UTF-7 where that is valid (NIL labels are left out)
 */
char **
tern_imap_response_dup_fetch_gmail_labels (const TernImapResponse *self)
{
  const TernImapValue *list = tern_imap_response_get_fetch_item (self, "X-GM-LABELS");
  GPtrArray *out;

  if (!tern_imap_value_is_list (list))
    return NULL;

  out = g_ptr_array_new ();
  for (const TernImapValue *v = list->children; v != NULL; v = v->next)
    {
      char *label;

      if (v->kind == TERN_IMAP_VALUE_LIST || v->kind == TERN_IMAP_VALUE_NIL)
        continue;
      label = tern_imap_utf7_decode (v->data, v->length, NULL);
      if (label == NULL)
        label = g_utf8_make_valid (v->data, v->length);
      g_ptr_array_add (out, label);
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}
