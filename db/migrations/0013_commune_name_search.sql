-- Name search that starts from the commune (ADR 033). btree_gin lets a GIN index hold the commune
-- (uuid) beside the words' prefixes; it ships with PostgreSQL (contrib) and is a trusted extension,
-- so the database owner may create it without superuser rights.
CREATE EXTENSION IF NOT EXISTS btree_gin;--> statement-breakpoint
-- Every prefix (1 to 10 characters) of every word of a folded name: exact GIN keys, where a tsquery
-- prefix (« mar:* ») is a partial match that GIN expands over every commune's entries first.
CREATE FUNCTION name_prefixes(search_text text) RETURNS text[]
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN array(
    SELECT DISTINCT left(word, n)
      FROM unnest(regexp_split_to_array(search_text, '[^[:alnum:]]+')) AS word
     CROSS JOIN generate_series(1, least(length(word), 10)) AS n
     WHERE word <> '');--> statement-breakpoint
-- The keys a folded query must find, split exactly as name_prefixes splits names (so a row whose
-- words the tsquery matches always holds them).
CREATE FUNCTION name_search_keys(query text) RETURNS text[]
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN array(
    SELECT DISTINCT left(word, 10)
      FROM unnest(regexp_split_to_array(query, '[^[:alnum:]]+')) AS word
     WHERE word <> '');--> statement-breakpoint
CREATE INDEX "families_name_prefixes_idx" ON "families" USING gin ("collectivity_id",name_prefixes("search_text"));--> statement-breakpoint
DROP INDEX "families_search_idx";
