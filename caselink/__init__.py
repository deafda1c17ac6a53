"""caselink: the application layer (command line, workspace) over ingest, graph, queries and dashboards."""
