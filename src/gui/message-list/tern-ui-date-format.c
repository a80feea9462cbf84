/* tern-ui-date-format.c: a message's date as the message list shows it
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * In the user's locale and time zone: the time for today's messages, the weekday
 * for the last six days, the day and month for this year, and the locale's short
 * date before that (what Geary and Evolution show).
 */
#include "config.h"

#include <langinfo.h>
#include <string.h>
#include <glib/gi18n.h>
#include <gio/gio.h>

#include "tern-ui-date-format.h"

/**
 * tern_ui_date_format_prefers_24h:
 *
 * Returns: whether times read "14:05" rather than "2:05 PM": the desktop's
 *   clock-format setting when there is one, else the locale's time format
 */
gboolean
tern_ui_date_format_prefers_24h (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  const char *t_fmt;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, "org.gnome.desktop.interface", TRUE);
  if (schema != NULL && g_settings_schema_has_key (schema, "clock-format"))
    {
      g_autoptr(GSettings) settings = g_settings_new ("org.gnome.desktop.interface");
      g_autofree char *format = g_settings_get_string (settings, "clock-format");

      return g_strcmp0 (format, "12h") != 0;
    }
  t_fmt = nl_langinfo (T_FMT);
  return t_fmt == NULL || (strstr (t_fmt, "%p") == NULL && strstr (t_fmt, "%r") == NULL &&
                           strstr (t_fmt, "%I") == NULL && strstr (t_fmt, "%l") == NULL);
}

static const char *
time_format (gboolean clock_24h)
{
  /* Translators: the time of a message received today, 24-hour clock (g_date_time_format) */
  return clock_24h ? _("%H:%M")
  /* Translators: the time of a message received today, 12-hour clock (g_date_time_format) */
                   : _("%-l:%M %p");
}

/**
 * tern_ui_date_format_short:
 * @unix_time: the message's date, or 0 when it has none
 * @now: the current time, in the local time zone
 * @clock_24h: from tern_ui_date_format_prefers_24h()
 *
 * Returns: (transfer full): the date for a list row ("14:05", "Tue", "Mar 4",
 *   "03/04/19"), or an empty string for no date
 */
char *
tern_ui_date_format_short (gint64 unix_time, GDateTime *now, gboolean clock_24h)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) date = NULL;
  g_autoptr(GDateTime) today = NULL;
  char *text;
  GTimeSpan since_midnight;

  if (unix_time == 0 || (utc = g_date_time_new_from_unix_utc (unix_time)) == NULL)
    return g_strdup ("");
  date = g_date_time_to_timezone (utc, g_date_time_get_timezone (now));
  today = g_date_time_new (g_date_time_get_timezone (now), g_date_time_get_year (now),
                           g_date_time_get_month (now), g_date_time_get_day_of_month (now), 0, 0, 0);
  since_midnight = g_date_time_difference (date, today);

  if (since_midnight >= 0 && since_midnight < G_TIME_SPAN_DAY)
    text = g_date_time_format (date, time_format (clock_24h));
  else if (since_midnight < 0 && since_midnight >= -6 * G_TIME_SPAN_DAY)
    /* Translators: the weekday of a message received in the last six days (g_date_time_format) */
    text = g_date_time_format (date, _("%a"));
  else if (g_date_time_get_year (date) == g_date_time_get_year (now))
    /* Translators: the day of a message received this year (g_date_time_format), e.g. "Mar 4" */
    text = g_date_time_format (date, _("%b %-d"));
  else
    text = g_date_time_format (date, "%x");
  if (text == NULL)
    return g_strdup ("");
  g_strstrip (text);
  return text;
}

/**
 * tern_ui_date_format_long:
 *
 * Returns: (transfer full): the whole date and time, for the reader and tooltips
 */
char *
tern_ui_date_format_long (gint64 unix_time, gboolean clock_24h)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) date = NULL;
  g_autofree char *day = NULL;
  g_autofree char *time = NULL;

  if (unix_time == 0 || (utc = g_date_time_new_from_unix_utc (unix_time)) == NULL)
    return g_strdup ("");
  date = g_date_time_to_local (utc);
  /* Translators: a message's full date (g_date_time_format), before its time */
  day = g_date_time_format (date, _("%A, %B %-d, %Y"));
  time = g_date_time_format (date, time_format (clock_24h));
  if (day == NULL || time == NULL)
    return g_strdup ("");
  g_strstrip (time);
  /* Translators: a date, then a time: "Tuesday, March 4, 2025 at 14:05" */
  return g_strdup_printf (_("%s at %s"), day, time);
}
