// overview-trends — 概览趋势 / Overview trends
// Filings counted by month received (YYYY-MM), channel, category and county (code and name) in one pass
// over the filings, with how many of them are concluded and how many have a status at all. Empty categories
// and counties come back as null. The overview page sums these rows by month, channel, category or county;
// the overdue page tells from them when no filing carries a status or a concluded date.
// params: none
// columns: month, channel, category, county, county_name, filings, concluded, with_status
MATCH (f:Filing)
WITH substring(toString(f.received_date), 0, 7) AS month,
     f.channel AS channel,
     f.category AS category,
     f.county AS county,
     count(*) AS filings,
     count(f.concluded_date) AS concluded,
     count(f.status) AS with_status
OPTIONAL MATCH (c:County {code: county})
RETURN month, channel, category, county, c.name AS county_name, filings, concluded, with_status
ORDER BY month, channel, category, county
