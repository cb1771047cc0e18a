-- Distinct visitors by traffic source and by device from rollup_recency too (issue 4: the
-- source and device breakdowns scanned every visitor-day of the period for distinct ids). They
-- are kept under the measures 'visitor@source', 'carting@source', 'visitor@device' and
-- 'carting@device', with the source or device in the `market` column.

-- Forgetting the watermarks makes the next refresh rebuild every rollup, filling the new rows.
DELETE FROM analytics_watermarks;
