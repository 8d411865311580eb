"""Publishing the graph back to the website: schema.org JSON-LD per article (jsonld), static topic pages
(site) and data files for a Hugo site (hugo); all read one snapshot of the store (data)."""
