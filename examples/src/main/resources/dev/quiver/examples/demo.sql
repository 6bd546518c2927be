-- The Quiver functions the examples jar registers.
SHOW USER FUNCTIONS;

-- Table functions: the source document's @arrow_udtf examples, ported to Java.
SELECT * FROM echo_table(TABLE(SELECT id AS value FROM range(5)));

SELECT *
FROM threshold_filter(
  TABLE(v),
  10
)
ORDER BY partition_key, value;

SELECT *
FROM sum_per_user(
  TABLE(purchases)
  PARTITION BY user_id
)
ORDER BY user_id;

SELECT *
FROM top_reviews_per_product(
  TABLE(reviews)
  PARTITION BY (product_id)
  ORDER BY (rating DESC, review_id)
)
ORDER BY product_id, rating DESC, review_id;

SELECT *
FROM device_stats(
  TABLE(readings)
  PARTITION BY device_id
)
ORDER BY device_id;

SELECT * FROM tokenize(TABLE(docs)) ORDER BY doc_id, word;

-- Aggregate functions, next to Spark's own.
SELECT device_id, count(*) AS n, summary_stats(reading) AS stats, exact_median(reading) AS median
FROM readings
GROUP BY device_id
ORDER BY device_id;

SELECT kll_percentile(id, 0.5) AS approx_median, percentile(id, 0.5) AS exact
FROM range(100001);

-- What Quiver puts in the plan.
EXPLAIN SELECT * FROM sum_per_user(TABLE(purchases) PARTITION BY user_id);
