/* tern-imap-mailbox.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tern-imap-error.h"
#include "tern-imap-mailbox.h"
#include "tern-imap-utf7.h"

G_DEFINE_BOXED_TYPE (TernImapMailbox, tern_imap_mailbox, tern_imap_mailbox_copy, tern_imap_mailbox_free)

TernImapMailbox *
tern_imap_mailbox_new (const char *name)
{
  TernImapMailbox *self = g_new0 (TernImapMailbox, 1);

  self->name = g_strdup (name);
  return self;
}

static gboolean
is_inbox (const char *name,
          gsize       length)
{
  return length == 5 && g_ascii_strncasecmp (name, "INBOX", 5) == 0;
}

/**
 * tern_imap_mailbox_encode_name:
 * @name: a mailbox name in UTF-8
 * @utf8_names: whether the session sends names in UTF-8 (UTF8=ACCEPT, IMAP4rev2)
 *
 * Returns: (transfer full): the name as the server expects it
 */
char *
tern_imap_mailbox_encode_name (const char *name,
                               gboolean    utf8_names)
{
  g_return_val_if_fail (name != NULL, NULL);

  if (is_inbox (name, strlen (name)))
    return g_strdup ("INBOX");
  if (utf8_names)
    return g_strdup (name);
  return tern_imap_utf7_encode (name);
}

/**
 * tern_imap_mailbox_decode_name:
 *
 * INBOX, in any case, is "INBOX".
 *
 * Returns: (transfer full) (nullable): the name in UTF-8, or %NULL with
 *   %TERN_IMAP_ERROR_INVALID_NAME
 */
char *
tern_imap_mailbox_decode_name (const char  *encoded,
                               gsize        length,
                               gboolean     utf8_names,
                               GError     **error)
{
  g_return_val_if_fail (encoded != NULL, NULL);

  if (is_inbox (encoded, length))
    return g_strdup ("INBOX");

  if (memchr (encoded, '\0', length) != NULL)
    {
      g_autofree char *shown = g_utf8_make_valid (encoded, MIN (length, 200));

      g_set_error (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_INVALID_NAME,
                   _("The mailbox name “%s” holds a NUL byte"), shown);
      return NULL;
    }

  if (utf8_names)
    {
      if (!g_utf8_validate (encoded, length, NULL))
        {
          g_autofree char *shown = g_utf8_make_valid (encoded, MIN (length, 200));

          g_set_error (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_INVALID_NAME,
                       _("The mailbox name “%s” is not valid UTF-8"), shown);
          return NULL;
        }
      return g_strndup (encoded, length);
    }

  return tern_imap_utf7_decode (encoded, length, error);
}

/**
 * tern_imap_mailbox_name_equal:
 *
 * Returns: whether two names are the same mailbox (INBOX is case-insensitive)
 */
gboolean
tern_imap_mailbox_name_equal (const char *a,
                              const char *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  if (is_inbox (a, strlen (a)) && is_inbox (b, strlen (b)))
    return TRUE;
  return strcmp (a, b) == 0;
}

static TernImapMailboxFlags
flag_from_attribute (const char *attribute)
{
  static const struct { const char *name; TernImapMailboxFlags flag; } attributes[] = {
    { "\\Noselect", TERN_IMAP_MAILBOX_NOSELECT },
    { "\\NonExistent", TERN_IMAP_MAILBOX_NONEXISTENT | TERN_IMAP_MAILBOX_NOSELECT },
    { "\\Noinferiors", TERN_IMAP_MAILBOX_NOINFERIORS },
    { "\\HasChildren", TERN_IMAP_MAILBOX_HAS_CHILDREN },
    { "\\HasNoChildren", TERN_IMAP_MAILBOX_HAS_NO_CHILDREN },
    { "\\Marked", TERN_IMAP_MAILBOX_MARKED },
    { "\\Unmarked", TERN_IMAP_MAILBOX_UNMARKED },
    { "\\Subscribed", TERN_IMAP_MAILBOX_SUBSCRIBED },
    { "\\Remote", TERN_IMAP_MAILBOX_REMOTE },
    { "\\All", TERN_IMAP_MAILBOX_ALL },
    { "\\AllMail", TERN_IMAP_MAILBOX_ALL },
    { "\\Archive", TERN_IMAP_MAILBOX_ARCHIVE },
    { "\\Drafts", TERN_IMAP_MAILBOX_DRAFTS },
    { "\\Flagged", TERN_IMAP_MAILBOX_FLAGGED },
    { "\\Starred", TERN_IMAP_MAILBOX_FLAGGED },
    { "\\Junk", TERN_IMAP_MAILBOX_JUNK },
    { "\\Spam", TERN_IMAP_MAILBOX_JUNK },
    { "\\Sent", TERN_IMAP_MAILBOX_SENT },
    { "\\Trash", TERN_IMAP_MAILBOX_TRASH },
    { "\\Important", TERN_IMAP_MAILBOX_IMPORTANT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (attributes); i++)
    {
      if (g_ascii_strcasecmp (attribute, attributes[i].name) == 0)
        return attributes[i].flag;
    }
  return 0;
}

/**
 * tern_imap_mailbox_new_from_list:
 * @response: a LIST, LSUB or XLIST response: `(attributes) delimiter name [extended]`
 *
 * Returns: (transfer full) (nullable): the mailbox, or %NULL with %TERN_IMAP_ERROR_PARSE
 *   or %TERN_IMAP_ERROR_INVALID_NAME
 */
TernImapMailbox *
tern_imap_mailbox_new_from_list (const TernImapResponse  *response,
                                 gboolean                 utf8_names,
                                 GError                 **error)
{
  g_autoptr(TernImapMailbox) self = NULL;
  const TernImapValue *attributes = tern_imap_response_get_data_item (response, 0);
  const TernImapValue *delimiter = tern_imap_response_get_data_item (response, 1);
  const TernImapValue *name = tern_imap_response_get_data_item (response, 2);
  const char *raw;
  gsize raw_length;

  if (!tern_imap_value_is_list (attributes) || delimiter == NULL || name == NULL ||
      (raw = tern_imap_value_get_astring (name, &raw_length)) == NULL)
    {
      g_set_error_literal (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_PARSE,
                           _("The server sent a LIST response without a mailbox"));
      return NULL;
    }

  self = g_new0 (TernImapMailbox, 1);
  self->name = tern_imap_mailbox_decode_name (raw, raw_length, utf8_names, error);
  if (self->name == NULL)
    return NULL;
  self->encoded_name = g_strndup (raw, raw_length);

  if (tern_imap_value_is_string (delimiter) && delimiter->length == 1)
    self->delimiter = delimiter->data[0];

  for (const TernImapValue *a = attributes->children; a != NULL; a = a->next)
    {
      if (a->kind == TERN_IMAP_VALUE_ATOM)
        self->flags |= flag_from_attribute (a->data);
    }
  if (g_str_equal (tern_imap_response_get_name (response), "LSUB"))
    self->flags |= TERN_IMAP_MAILBOX_SUBSCRIBED;

  return g_steal_pointer (&self);
}

/**
 * tern_imap_mailbox_apply_status:
 * @items: the list of a STATUS response: `(MESSAGES 231 UIDNEXT 44292)`
 *
 * Returns: %FALSE when @items is not a list of names and numbers
 */
gboolean
tern_imap_mailbox_apply_status (TernImapMailbox     *self,
                                const TernImapValue *items)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!tern_imap_value_is_list (items))
    return FALSE;

  for (const TernImapValue *key = items->children; key != NULL && key->next != NULL; key = key->next->next)
    {
      guint64 n;

      if (!tern_imap_value_get_number (key->next, &n))
        continue;
      if (tern_imap_value_is_atom (key, "MESSAGES"))
        self->messages = (guint32) n, self->status_items |= TERN_IMAP_STATUS_ITEM_MESSAGES;
      else if (tern_imap_value_is_atom (key, "RECENT"))
        self->recent = (guint32) n, self->status_items |= TERN_IMAP_STATUS_ITEM_RECENT;
      else if (tern_imap_value_is_atom (key, "UIDNEXT"))
        self->uidnext = (guint32) n, self->status_items |= TERN_IMAP_STATUS_ITEM_UIDNEXT;
      else if (tern_imap_value_is_atom (key, "UIDVALIDITY"))
        self->uidvalidity = (guint32) n, self->status_items |= TERN_IMAP_STATUS_ITEM_UIDVALIDITY;
      else if (tern_imap_value_is_atom (key, "UNSEEN"))
        self->unseen = (guint32) n, self->status_items |= TERN_IMAP_STATUS_ITEM_UNSEEN;
      else if (tern_imap_value_is_atom (key, "DELETED"))
        self->deleted = (guint32) n, self->status_items |= TERN_IMAP_STATUS_ITEM_DELETED;
      else if (tern_imap_value_is_atom (key, "HIGHESTMODSEQ"))
        self->highest_modseq = n, self->status_items |= TERN_IMAP_STATUS_ITEM_HIGHESTMODSEQ;
      else if (tern_imap_value_is_atom (key, "SIZE"))
        self->size = n, self->status_items |= TERN_IMAP_STATUS_ITEM_SIZE;
    }
  return TRUE;
}

TernImapMailbox *
tern_imap_mailbox_copy (const TernImapMailbox *self)
{
  TernImapMailbox *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->name = g_strdup (self->name);
  copy->encoded_name = g_strdup (self->encoded_name);
  return copy;
}

void
tern_imap_mailbox_free (TernImapMailbox *self)
{
  if (self == NULL)
    return;

  g_free (self->name);
  g_free (self->encoded_name);
  g_free (self);
}
