/* tern-ui-row-text.c: what a message list row says, as text
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "tern-ui-row-text.h"

/* One address of a list: its display name, else the address without brackets. */
static void
append_name (GString *out, const char *start, const char *end)
{
  const char *lt = NULL;
  g_autofree char *piece = NULL;
  char *name;

  for (const char *p = start; p < end; p++)
    if (*p == '<')
      {
        lt = p;
        break;
      }
  piece = g_strndup (start, (lt != NULL ? lt : end) - start);
  name = g_strstrip (piece);
  if (name[0] == '"')
    {
      gsize len = strlen (name);

      name++;
      if (len >= 2 && name[len - 2] == '"')
        name[len - 2] = '\0';
      g_strstrip (name);
    }
  if (name[0] == '\0' && lt != NULL)
    {
      const char *gt = memchr (lt, '>', end - lt);

      g_free (piece);
      piece = g_strndup (lt + 1, (gt != NULL ? gt : end) - lt - 1);
      name = g_strstrip (piece);
    }
  if (name[0] == '\0')
    return;
  if (out->len > 0)
    g_string_append (out, ", ");
  g_string_append (out, name);
}

/**
 * tern_ui_row_text_names:
 * @addresses: (nullable): decoded addresses, "Name <addr>, "Last, First" <addr>, addr"
 *
 * Returns: (transfer full): the display names (or bare addresses), ", " between
 *   them: what a row shows of a sender or of the recipients
 */
char *
tern_ui_row_text_names (const char *addresses)
{
  GString *out = g_string_new (NULL);
  const char *start;
  gboolean quoted = FALSE;
  int angle = 0;

  if (addresses == NULL)
    return g_string_free (out, FALSE);
  start = addresses;
  for (const char *p = addresses;; p++)
    {
      if (*p == '\0' || (*p == ',' && !quoted && angle == 0))
        {
          append_name (out, start, p);
          if (*p == '\0')
            break;
          start = p + 1;
        }
      else if (*p == '"')
        quoted = !quoted;
      else if (*p == '\\' && quoted && p[1] != '\0')
        p++;
      else if (*p == '<' && !quoted)
        angle++;
      else if (*p == '>' && !quoted && angle > 0)
        angle--;
    }
  return g_string_free (out, FALSE);
}

/**
 * tern_ui_row_text_accessible_label:
 * @who: the sender (or the recipients, or a conversation's participants)
 * @n_messages: the conversation's messages, or 0 for a message
 *
 * Returns: (transfer full): what a screen reader says of a row: sender, subject,
 *   date, then unread, flagged, attachment
 */
char *
tern_ui_row_text_accessible_label (const char *who,
                                   const char *subject,
                                   const char *date,
                                   guint       n_messages,
                                   gboolean    unread,
                                   gboolean    flagged,
                                   gboolean    attachment,
                                   gboolean    answered,
                                   gboolean    forwarded)
{
  GString *label = g_string_new (NULL);

  g_string_append (label, who != NULL && *who != '\0' ? who : _("Unknown sender"));
  g_string_append (label, ", ");
  g_string_append (label, subject != NULL && *subject != '\0' ? subject : _("No subject"));
  if (date != NULL && *date != '\0')
    {
      g_string_append (label, ", ");
      g_string_append (label, date);
    }
  if (n_messages > 1)
    {
      g_string_append (label, ", ");
      g_string_append_printf (label, ngettext ("%u message", "%u messages", n_messages), n_messages);
    }
  if (unread)
    g_string_append_printf (label, ", %s", _("unread"));
  if (flagged)
    g_string_append_printf (label, ", %s", _("starred"));
  if (attachment)
    g_string_append_printf (label, ", %s", _("has attachment"));
  if (answered)
    g_string_append_printf (label, ", %s", _("answered"));
  if (forwarded)
    g_string_append_printf (label, ", %s", _("forwarded"));
  return g_string_free (label, FALSE);
}
