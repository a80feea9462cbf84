/* tern-smtp-send-result.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "tern-smtp-send-result-private.h"

/*
 * The outcome of one message that the server accepted for at least one recipient: the
 * recipients it took, those it refused with the reply it gave for each (RFC 5321: a
 * refused RCPT does not stop the transaction), and the reply to the message data.
 */

struct _TernSmtpSendResult
{
  GObject        parent_instance;

  GPtrArray     *accepted;          /* char* */
  GPtrArray     *rejected;          /* char* */
  GPtrArray     *rejected_replies;  /* TernSmtpReply* */
  TernSmtpReply *reply;
};

G_DEFINE_FINAL_TYPE (TernSmtpSendResult, tern_smtp_send_result, G_TYPE_OBJECT)

TernSmtpSendResult *
_tern_smtp_send_result_new (void)
{
  return g_object_new (TERN_SMTP_TYPE_SEND_RESULT, NULL);
}

void
_tern_smtp_send_result_add_accepted (TernSmtpSendResult *self,
                                     const char         *recipient)
{
  g_ptr_array_add (self->accepted, g_strdup (recipient));
}

void
_tern_smtp_send_result_add_rejected (TernSmtpSendResult *self,
                                     const char         *recipient,
                                     TernSmtpReply      *reply)
{
  g_ptr_array_add (self->rejected, g_strdup (recipient));
  g_ptr_array_add (self->rejected_replies, g_object_ref (reply));
}

void
_tern_smtp_send_result_set_reply (TernSmtpSendResult *self,
                                  TernSmtpReply      *reply)
{
  g_set_object (&self->reply, reply);
}

guint
tern_smtp_send_result_get_n_accepted (TernSmtpSendResult *self)
{
  g_return_val_if_fail (TERN_SMTP_IS_SEND_RESULT (self), 0);

  return self->accepted->len;
}

const char *
tern_smtp_send_result_get_accepted (TernSmtpSendResult *self,
                                    guint               index)
{
  g_return_val_if_fail (TERN_SMTP_IS_SEND_RESULT (self), NULL);
  g_return_val_if_fail (index < self->accepted->len, NULL);

  return g_ptr_array_index (self->accepted, index);
}

guint
tern_smtp_send_result_get_n_rejected (TernSmtpSendResult *self)
{
  g_return_val_if_fail (TERN_SMTP_IS_SEND_RESULT (self), 0);

  return self->rejected->len;
}

const char *
tern_smtp_send_result_get_rejected (TernSmtpSendResult *self,
                                    guint               index)
{
  g_return_val_if_fail (TERN_SMTP_IS_SEND_RESULT (self), NULL);
  g_return_val_if_fail (index < self->rejected->len, NULL);

  return g_ptr_array_index (self->rejected, index);
}

/**
 * tern_smtp_send_result_get_rejected_reply:
 *
 * Returns: (transfer none): the server's reply to RCPT for rejected recipient @index;
 *   tern_smtp_reply_is_transient() tells whether trying again later may help
 */
TernSmtpReply *
tern_smtp_send_result_get_rejected_reply (TernSmtpSendResult *self,
                                          guint               index)
{
  g_return_val_if_fail (TERN_SMTP_IS_SEND_RESULT (self), NULL);
  g_return_val_if_fail (index < self->rejected_replies->len, NULL);

  return g_ptr_array_index (self->rejected_replies, index);
}

/**
 * tern_smtp_send_result_get_reply:
 *
 * Returns: (transfer none) (nullable): the server's reply to the message data
 */
TernSmtpReply *
tern_smtp_send_result_get_reply (TernSmtpSendResult *self)
{
  g_return_val_if_fail (TERN_SMTP_IS_SEND_RESULT (self), NULL);

  return self->reply;
}

/**
 * tern_smtp_send_result_describe_rejections:
 *
 * Returns: (transfer full): one line per rejected recipient, "address: reply", or ""
 */
char *
tern_smtp_send_result_describe_rejections (TernSmtpSendResult *self)
{
  GString *out;

  g_return_val_if_fail (TERN_SMTP_IS_SEND_RESULT (self), NULL);

  out = g_string_new (NULL);
  for (guint i = 0; i < self->rejected->len; i++)
    {
      g_autofree char *reply = tern_smtp_reply_to_string (g_ptr_array_index (self->rejected_replies, i));
      g_autofree char *address = tern_smtp_sanitize_text (g_ptr_array_index (self->rejected, i));

      if (i > 0)
        g_string_append_c (out, '\n');
      g_string_append_printf (out, "%s: %s", address, reply);
    }

  return g_string_free (out, FALSE);
}

static void
tern_smtp_send_result_finalize (GObject *object)
{
  TernSmtpSendResult *self = TERN_SMTP_SEND_RESULT (object);

  g_clear_pointer (&self->accepted, g_ptr_array_unref);
  g_clear_pointer (&self->rejected, g_ptr_array_unref);
  g_clear_pointer (&self->rejected_replies, g_ptr_array_unref);
  g_clear_object (&self->reply);

  G_OBJECT_CLASS (tern_smtp_send_result_parent_class)->finalize (object);
}

static void
tern_smtp_send_result_class_init (TernSmtpSendResultClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tern_smtp_send_result_finalize;
}

static void
tern_smtp_send_result_init (TernSmtpSendResult *self)
{
  self->accepted = g_ptr_array_new_with_free_func (g_free);
  self->rejected = g_ptr_array_new_with_free_func (g_free);
  self->rejected_replies = g_ptr_array_new_with_free_func (g_object_unref);
}
