using System.Globalization;
using Npgsql;

namespace Lakehouse.Medallion;

/// <summary>What a <see cref="SecurityFinding"/> is about.</summary>
public enum SecurityFindingKind
{
    /// <summary>A design role (anon, authenticated, edge_uploader, service_role) does not exist.</summary>
    MissingRole,

    /// <summary>An application role is a superuser or bypasses row-level security.</summary>
    RoleBypassesSecurity,

    /// <summary>A table in a family schema does not have row-level security enabled.</summary>
    RlsDisabled,

    /// <summary>A table has row-level security enabled but not forced (its owner bypasses it).</summary>
    RlsNotForced,

    /// <summary>A role holds a privilege the design does not give it.</summary>
    ExcessPrivilege,

    /// <summary>service_role lacks a privilege the design gives it (service_role: everything).</summary>
    MissingPrivilege,

    /// <summary>A table with row-level security has no policy letting service_role do what it is granted.</summary>
    MissingServicePolicy,

    /// <summary>authenticated reads a tenant table through a policy that does not restrict to <c>scout.current_tenant()</c>.</summary>
    TenantNotIsolated,

    /// <summary>A personal-data column (commented <c>pii: …</c>, or bronze raw text) is readable by a role other than service_role.</summary>
    PiiReadable,

    /// <summary>A function in a family schema can be executed by anon (often through PUBLIC's default EXECUTE).</summary>
    FunctionCallableByAnon,

    /// <summary>A view without <c>security_invoker</c> reads a row-level-secured table and is readable by an application role.</summary>
    ViewBypassesRls,

    /// <summary>A materialized view (which cannot have row-level security) is readable by an application role.</summary>
    MaterializedViewReadable,

    /// <summary>A <c>SECURITY DEFINER</c> function without a fixed <c>search_path</c>.</summary>
    SecurityDefinerWithoutSearchPath,
}

/// <summary>One way a live database differs from the family's security design.</summary>
/// <param name="Kind">What kind of problem.</param>
/// <param name="ObjectName">The object: <c>schema.table</c>, <c>schema.table.column</c>, <c>schema.function(args)</c>, a schema or a role.</param>
/// <param name="Role">The role concerned, or null.</param>
/// <param name="Message">A sentence saying what is wrong.</param>
public readonly record struct SecurityFinding(SecurityFindingKind Kind, string ObjectName, string? Role, string Message);

/// <summary>Which schemas and names <see cref="SecurityAuditor"/> checks, and how it tells the layers apart.</summary>
public sealed class SecurityAuditOptions
{
    /// <summary>
    /// The family's schemas (every table in them must have row-level security enabled and forced). Default: those the
    /// packages' migrations create — scout, odoo, odoo_seed, catalog, audit, lakehouse, publisher.
    /// </summary>
    public IList<string> Schemas { get; } = ["scout", "odoo", "odoo_seed", "catalog", "audit", "lakehouse", "publisher"];

    /// <summary>
    /// The schema whose tables are layered (bronze, silver and up); tables of every other family schema are operational:
    /// service_role only.
    /// </summary>
    public string LayeredSchema { get; set; } = "scout";

    /// <summary>
    /// Name prefixes of the tenant layers authenticated may read (silver and above), after a leading <c>v_</c> or
    /// <c>mv_</c> is set aside. A table of these layers must carry <c>tenant_id</c> to be readable (a view is judged
    /// by the tables under it). Default: silver_, gold_, platinum_.
    /// </summary>
    public IList<string> ReadablePrefixes { get; } = ["silver_", "gold_", "platinum_"];

    /// <summary>
    /// Name prefixes of shared dimensions and reference data authenticated may read whether or not they carry a tenant
    /// (each tenant-scoped one is still held to its own tenant by policy). Default: dim_, geo_.
    /// </summary>
    public IList<string> ReferencePrefixes { get; } = ["dim_", "geo_"];

    /// <summary>The name prefix of bronze relations (edge_uploader may insert into bronze tables). Default: bronze_.</summary>
    public string BronzePrefix { get; set; } = "bronze_";

    /// <summary>Relations nobody may update, delete or truncate, service_role included (<c>schema.table</c>). Default: audit.events.</summary>
    public IList<string> AppendOnlyTables { get; } = ["audit.events"];

    /// <summary>
    /// Authenticated may read the operational tables of the layered schema that are named here even though their prefix
    /// is not readable (none by default).
    /// </summary>
    public IList<string> ExtraReadableTables { get; } = [];
}

/// <summary>
/// Inspects a live PostgreSQL database and lists where it differs from the family's security design (DESIGN.md):
/// every table of a family schema has row-level security enabled and forced; <c>anon</c> holds nothing;
/// <c>authenticated</c> only reads silver-and-above relations of its own tenant; <c>edge_uploader</c> only inserts into
/// bronze tables (and uses their sequences); <c>service_role</c> has everything, except on append-only tables;
/// personal-data columns are readable by service_role only; no family function is callable by anon; views that reach
/// row-level-secured tables run with the caller's rights; security-definer functions pin their search_path.
/// </summary>
/// <remarks>
/// Privileges are effective ones (<c>has_table_privilege</c>, <c>has_any_column_privilege</c>,
/// <c>has_column_privilege</c>, <c>has_schema_privilege</c>, <c>has_function_privilege</c>): grants to PUBLIC and
/// through role membership count. Extension-owned objects (PostGIS, pgcrypto) are skipped. The connecting role should
/// be able to see the catalogs (any role can) — a superuser or the owner gives the most complete answer.
/// </remarks>
public sealed class SecurityAuditor
{
    /// <summary>The application roles of the design.</summary>
    public static IReadOnlyList<string> Roles { get; } = ["anon", "authenticated", "edge_uploader", "service_role"];

    private static readonly string[] s_tablePrivileges = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"];
    private static readonly string[] s_serviceTable = ["SELECT", "INSERT", "UPDATE", "DELETE"];
    private static readonly string[] s_serviceAppendOnly = ["SELECT", "INSERT"];
    private static readonly string[] s_mutations = ["UPDATE", "DELETE", "TRUNCATE"];

    private readonly NpgsqlDataSource _dataSource;
    private readonly SecurityAuditOptions _options;

    /// <summary>Creates an auditor.</summary>
    /// <param name="dataSource">The database to inspect.</param>
    /// <param name="options">Schemas and naming rules; defaults when null.</param>
    public SecurityAuditor(NpgsqlDataSource dataSource, SecurityAuditOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        _options = options ?? new SecurityAuditOptions();
    }

    /// <summary>Runs every check.</summary>
    /// <param name="cancellationToken">Cancels the queries.</param>
    /// <returns>The findings, ordered by object, kind and role; empty when the database matches the design.</returns>
    /// <exception cref="NpgsqlException">The database could not be reached.</exception>
    public async Task<IReadOnlyList<SecurityFinding>> CheckAsync(CancellationToken cancellationToken = default)
    {
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var findings = new List<SecurityFinding>();
            var context = new Context(connection, _options.Schemas.ToArray(), cancellationToken);
            List<string> roles = await CheckRolesAsync(context, findings).ConfigureAwait(false);
            await CheckSchemasAsync(context, roles, findings).ConfigureAwait(false);
            Dictionary<uint, Relation> relations = await LoadRelationsAsync(context).ConfigureAwait(false);
            await LoadPrivilegesAsync(context, roles, relations).ConfigureAwait(false);
            List<Policy> policies = await LoadPoliciesAsync(context).ConfigureAwait(false);
            bool serviceBypassesRls = await ServiceBypassesRlsAsync(context).ConfigureAwait(false);
            CheckRelations(relations, policies, roles, serviceBypassesRls, findings);
            await CheckViewsAsync(context, relations, findings).ConfigureAwait(false);
            await CheckPiiAsync(context, roles, relations, findings).ConfigureAwait(false);
            await CheckSequencesAsync(context, roles, findings).ConfigureAwait(false);
            await CheckFunctionsAsync(context, roles, findings).ConfigureAwait(false);
            findings.Sort(static (a, b) =>
            {
                int c = string.CompareOrdinal(a.ObjectName, b.ObjectName);
                if (c == 0)
                {
                    c = a.Kind.CompareTo(b.Kind);
                }

                return c != 0 ? c : string.CompareOrdinal(a.Role, b.Role);
            });
            return findings;
        }
    }

    private enum Layer
    {
        Operational,
        Bronze,
        Readable,
        Reference,
    }

    private Layer Classify(string schema, string name)
    {
        if (!string.Equals(schema, _options.LayeredSchema, StringComparison.Ordinal))
        {
            return Layer.Operational;
        }

        if (_options.ExtraReadableTables.Contains(schema + "." + name))
        {
            return Layer.Reference;
        }

        string bare = name.StartsWith("mv_", StringComparison.Ordinal) ? name[3..]
            : name.StartsWith("v_", StringComparison.Ordinal) ? name[2..]
            : name;
        if (bare.StartsWith(_options.BronzePrefix, StringComparison.Ordinal))
        {
            return Layer.Bronze;
        }

        foreach (string prefix in _options.ReadablePrefixes)
        {
            if (bare.StartsWith(prefix, StringComparison.Ordinal))
            {
                return Layer.Readable;
            }
        }

        foreach (string prefix in _options.ReferencePrefixes)
        {
            if (bare.StartsWith(prefix, StringComparison.Ordinal))
            {
                return Layer.Reference;
            }
        }

        return Layer.Operational;
    }

    private static async Task<List<string>> CheckRolesAsync(Context context, List<SecurityFinding> findings)
    {
        var present = new List<string>();
        await context.ReadAsync(
            "SELECT r.name, g.rolsuper, g.rolbypassrls FROM unnest($1::text[]) AS r(name) LEFT JOIN pg_roles g ON g.rolname = r.name",
            [Roles.ToArray()],
            reader =>
            {
                string role = reader.GetString(0);
                if (reader.IsDBNull(1))
                {
                    findings.Add(new(SecurityFindingKind.MissingRole, role, role, $"role {role} does not exist (the migrations create it)"));
                    return;
                }

                present.Add(role);
                if (role != "service_role" && (reader.GetBoolean(1) || reader.GetBoolean(2)))
                {
                    findings.Add(new(SecurityFindingKind.RoleBypassesSecurity, role, role, $"role {role} is a superuser or has BYPASSRLS"));
                }
            }).ConfigureAwait(false);
        return present;
    }

    private static async Task CheckSchemasAsync(Context context, List<string> roles, List<SecurityFinding> findings)
    {
        await context.ReadAsync(
            """
            SELECT n.nspname, r.name, has_schema_privilege(r.name, n.oid, 'USAGE'), has_schema_privilege(r.name, n.oid, 'CREATE')
            FROM pg_namespace n CROSS JOIN unnest($2::text[]) AS r(name)
            WHERE n.nspname = ANY($1)
            """,
            [context.Schemas, roles.ToArray()],
            reader =>
            {
                string schema = reader.GetString(0);
                string role = reader.GetString(1);
                bool usage = reader.GetBoolean(2);
                bool create = reader.GetBoolean(3);
                if (role == "service_role")
                {
                    if (!usage)
                    {
                        findings.Add(new(SecurityFindingKind.MissingPrivilege, schema, role, $"service_role lacks USAGE on schema {schema}"));
                    }

                    return;
                }

                if (create)
                {
                    findings.Add(new(SecurityFindingKind.ExcessPrivilege, schema, role, $"{role} may CREATE in schema {schema}"));
                }

                if (usage && role == "anon")
                {
                    findings.Add(new(SecurityFindingKind.ExcessPrivilege, schema, role, $"anon has USAGE on schema {schema} (anon: nothing)"));
                }
            }).ConfigureAwait(false);
    }

    private async Task<Dictionary<uint, Relation>> LoadRelationsAsync(Context context)
    {
        var relations = new Dictionary<uint, Relation>();
        await context.ReadAsync(
            """
            SELECT c.oid, n.nspname, c.relname, c.relkind::text, c.relrowsecurity, c.relforcerowsecurity,
                   coalesce(c.reloptions, '{}'::text[]),
                   EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND a.attnum > 0 AND NOT a.attisdropped)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p', 'v', 'm')
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
            """,
            [context.Schemas],
            reader =>
            {
                uint oid = reader.GetFieldValue<uint>(0);
                string schema = reader.GetString(1);
                string name = reader.GetString(2);
                string[] options = reader.GetFieldValue<string[]>(6);
                bool invoker = options.Any(static o => o is "security_invoker=true" or "security_invoker=on" or "security_invoker=1" or "security_invoker=yes");
                relations[oid] = new Relation(oid, schema, name, reader.GetString(3)[0], reader.GetBoolean(4), reader.GetBoolean(5), invoker,
                    reader.GetBoolean(7), Classify(schema, name), _options.AppendOnlyTables.Contains(schema + "." + name));
            }).ConfigureAwait(false);
        return relations;
    }

    private static async Task LoadPrivilegesAsync(Context context, List<string> roles, Dictionary<uint, Relation> relations)
    {
        // Column-level grants count: has_any_column_privilege is true for a table-level grant or a grant on any column.
        await context.ReadAsync(
            """
            SELECT c.oid, r.name, p.name,
                   CASE WHEN p.name IN ('SELECT', 'INSERT', 'UPDATE', 'REFERENCES')
                        THEN has_any_column_privilege(r.name, c.oid, p.name)
                        ELSE has_table_privilege(r.name, c.oid, p.name) END
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN unnest($2::text[]) AS r(name) CROSS JOIN unnest($3::text[]) AS p(name)
            WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p', 'v', 'm')
            """,
            [context.Schemas, roles.ToArray(), s_tablePrivileges],
            reader =>
            {
                if (reader.GetBoolean(3) && relations.TryGetValue(reader.GetFieldValue<uint>(0), out Relation? relation))
                {
                    relation.Privileges.Add((reader.GetString(1), reader.GetString(2)));
                }
            }).ConfigureAwait(false);
    }

    private static async Task<List<Policy>> LoadPoliciesAsync(Context context)
    {
        var policies = new List<Policy>();
        await context.ReadAsync(
            """
            SELECT schemaname::text, tablename::text, policyname::text, permissive = 'PERMISSIVE', roles::text[], cmd, coalesce(qual, '')
            FROM pg_policies WHERE schemaname = ANY($1)
            """,
            [context.Schemas],
            reader => policies.Add(new Policy(
                reader.GetString(0) + "." + reader.GetString(1), reader.GetString(2), reader.GetBoolean(3),
                reader.GetFieldValue<string[]>(4), reader.GetString(5), reader.GetString(6)))).ConfigureAwait(false);
        return policies;
    }

    private static async Task<bool> ServiceBypassesRlsAsync(Context context)
    {
        bool bypass = false;
        await context.ReadAsync(
            "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = 'service_role'", [],
            reader => bypass = reader.GetBoolean(0)).ConfigureAwait(false);
        return bypass;
    }

    private static void CheckRelations(
        Dictionary<uint, Relation> relations, List<Policy> policies, List<string> roles, bool serviceBypassesRls, List<SecurityFinding> findings)
    {
        foreach (Relation r in relations.Values)
        {
            bool isTable = r.Kind is 'r' or 'p';
            if (isTable && !r.RowSecurity)
            {
                findings.Add(new(SecurityFindingKind.RlsDisabled, r.FullName, null, $"table {r.FullName} does not have row-level security enabled"));
            }
            else if (isTable && !r.ForceRowSecurity)
            {
                findings.Add(new(SecurityFindingKind.RlsNotForced, r.FullName, null, $"table {r.FullName} has row-level security enabled but not forced"));
            }

            foreach (string role in roles)
            {
                foreach (string privilege in s_tablePrivileges)
                {
                    bool held = r.Privileges.Contains((role, privilege));
                    if (role == "service_role")
                    {
                        if (r.AppendOnly && held && s_mutations.Contains(privilege))
                        {
                            findings.Add(new(SecurityFindingKind.ExcessPrivilege, r.FullName, role,
                                $"service_role may {privilege} the append-only {r.FullName}"));
                        }

                        continue;
                    }

                    if (held && !Allowed(r, role, privilege))
                    {
                        findings.Add(new(SecurityFindingKind.ExcessPrivilege, r.FullName, role,
                            $"{role} may {privilege} {r.FullName} ({Expectation(r, role)})"));
                    }
                }
            }

            if (roles.Contains("service_role"))
            {
                string[] required = !isTable ? ["SELECT"] : r.AppendOnly ? s_serviceAppendOnly : s_serviceTable;
                foreach (string privilege in required)
                {
                    if (!r.Privileges.Contains(("service_role", privilege)))
                    {
                        findings.Add(new(SecurityFindingKind.MissingPrivilege, r.FullName, "service_role", $"service_role lacks {privilege} on {r.FullName}"));
                    }
                    else if (isTable && r.RowSecurity && !serviceBypassesRls && !policies.Any(p => p.Table == r.FullName && p.Permissive && p.AppliesTo("service_role") && p.Covers(privilege)))
                    {
                        findings.Add(new(SecurityFindingKind.MissingServicePolicy, r.FullName, "service_role",
                            $"no row-level security policy lets service_role {privilege} rows of {r.FullName}"));
                    }
                }
            }

            if (isTable && r.HasTenantId && r.Privileges.Contains(("authenticated", "SELECT")))
            {
                foreach (Policy p in policies)
                {
                    if (p.Table == r.FullName && p.Permissive && p.AppliesTo("authenticated") && p.Covers("SELECT")
                        && !p.Using.Contains("current_tenant()", StringComparison.Ordinal))
                    {
                        findings.Add(new(SecurityFindingKind.TenantNotIsolated, r.FullName, "authenticated",
                            $"policy {p.Name} lets authenticated read {r.FullName} without restricting tenant_id to scout.current_tenant()"));
                    }
                }
            }

            if (r.Kind == 'm')
            {
                foreach (string role in roles)
                {
                    if (role != "service_role" && r.Privileges.Contains((role, "SELECT")))
                    {
                        findings.Add(new(SecurityFindingKind.MaterializedViewReadable, r.FullName, role,
                            $"{role} may read materialized view {r.FullName}, which cannot have row-level security"));
                    }
                }
            }
        }
    }

    private static bool Allowed(Relation r, string role, string privilege) => role switch
    {
        "authenticated" => privilege == "SELECT" && (r.Layer == Layer.Reference || (r.Layer == Layer.Readable && (r.Kind is 'v' or 'm' || r.HasTenantId))),
        "edge_uploader" => privilege == "INSERT" && r.Layer == Layer.Bronze && r.Kind is 'r' or 'p',
        _ => false,
    };

    private static string Expectation(Relation r, string role) => role switch
    {
        "authenticated" => r.Layer == Layer.Reference ? "authenticated: SELECT only"
            : r.Layer == Layer.Readable && (r.Kind is 'v' or 'm' || r.HasTenantId) ? "authenticated: SELECT only"
            : r.Layer == Layer.Readable ? "authenticated reads tenant tables only (no tenant_id here)"
            : "authenticated reads silver and above only",
        "edge_uploader" => "edge_uploader: INSERT into bronze tables only",
        _ => role + ": nothing",
    };

    private static async Task CheckViewsAsync(Context context, Dictionary<uint, Relation> relations, List<SecurityFinding> findings)
    {
        // What each view reads (through its rewrite rule), then which row-level-secured tables it reaches, views included.
        var reads = new Dictionary<uint, HashSet<uint>>();
        var secured = new HashSet<uint>();
        await context.ReadAsync(
            """
            SELECT DISTINCT rw.ev_class, d.refobjid, t.relrowsecurity
            FROM pg_rewrite rw
            JOIN pg_class v ON v.oid = rw.ev_class AND v.relkind IN ('v', 'm')
            JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid AND d.refclassid = 'pg_class'::regclass
            JOIN pg_class t ON t.oid = d.refobjid AND t.oid <> rw.ev_class
            """,
            [],
            reader =>
            {
                uint view = reader.GetFieldValue<uint>(0);
                uint target = reader.GetFieldValue<uint>(1);
                if (!reads.TryGetValue(view, out HashSet<uint>? set))
                {
                    reads[view] = set = [];
                }

                set.Add(target);
                if (reader.GetBoolean(2))
                {
                    secured.Add(target);
                }
            }).ConfigureAwait(false);

        foreach (Relation view in relations.Values)
        {
            if (view.Kind != 'v' || view.SecurityInvoker)
            {
                continue;
            }

            string? table = ReachesSecured(view.Oid, reads, secured, []);
            if (table is null)
            {
                continue;
            }

            foreach (string role in Roles)
            {
                if (role != "service_role" && view.Privileges.Contains((role, "SELECT")))
                {
                    findings.Add(new(SecurityFindingKind.ViewBypassesRls, view.FullName, role,
                        $"{role} may read view {view.FullName}, which runs with its owner's rights (no security_invoker) over row-level-secured {table}"));
                }
            }
        }

        string? ReachesSecured(uint oid, Dictionary<uint, HashSet<uint>> edges, HashSet<uint> rls, HashSet<uint> seen)
        {
            if (!seen.Add(oid) || !edges.TryGetValue(oid, out HashSet<uint>? targets))
            {
                return null;
            }

            foreach (uint target in targets)
            {
                if (rls.Contains(target))
                {
                    return relations.TryGetValue(target, out Relation? t) ? t.FullName : target.ToString(CultureInfo.InvariantCulture);
                }

                if (ReachesSecured(target, edges, rls, seen) is { } deeper)
                {
                    return deeper;
                }
            }

            return null;
        }
    }

    private static async Task CheckPiiAsync(Context context, List<string> roles, Dictionary<uint, Relation> relations, List<SecurityFinding> findings)
    {
        // Personal-data columns: commented 'pii: …', or the raw text of a bronze relation (raw, event).
        var pii = new List<(uint Rel, short Attnum, string Name, string Why)>();
        await context.ReadAsync(
            """
            SELECT a.attrelid, a.attnum, a.attname, coalesce(col_description(a.attrelid, a.attnum), '')
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p', 'v', 'm') AND a.attnum > 0 AND NOT a.attisdropped
            """,
            [context.Schemas],
            reader =>
            {
                uint rel = reader.GetFieldValue<uint>(0);
                if (!relations.TryGetValue(rel, out Relation? relation))
                {
                    return;
                }

                string name = reader.GetString(2);
                string comment = reader.GetString(3);
                if (comment.TrimStart().StartsWith("pii:", StringComparison.OrdinalIgnoreCase))
                {
                    pii.Add((rel, reader.GetInt16(1), name, "pii column"));
                }
                else if (relation.Layer == Layer.Bronze && name is "raw" or "event")
                {
                    pii.Add((rel, reader.GetInt16(1), name, "bronze raw text (may hold customer identifiers)"));
                }
            }).ConfigureAwait(false);
        if (pii.Count == 0)
        {
            return;
        }

        var others = roles.Where(static r => r != "service_role").ToArray();
        var flagged = new HashSet<(uint, short, string)>();
        await context.ReadAsync(
            """
            SELECT p.rel::oid, p.att, r.name, has_column_privilege(r.name, p.rel::oid, p.att, 'SELECT')
            FROM unnest($1::bigint[], $2::smallint[]) AS p(rel, att) CROSS JOIN unnest($3::text[]) AS r(name)
            """,
            [pii.Select(static p => (long)p.Rel).ToArray(), pii.Select(static p => p.Attnum).ToArray(), others],
            reader =>
            {
                if (reader.GetBoolean(3))
                {
                    flagged.Add((reader.GetFieldValue<uint>(0), reader.GetInt16(1), reader.GetString(2)));
                }
            }).ConfigureAwait(false);
        foreach ((uint rel, short att, string name, string why) in pii)
        {
            foreach (string role in others)
            {
                if (flagged.Contains((rel, att, role)))
                {
                    string column = relations[rel].FullName + "." + name;
                    findings.Add(new(SecurityFindingKind.PiiReadable, column, role, $"{role} may read {column} ({why}); only service_role may"));
                }
            }
        }

        // Views that read a personal-data column and are readable by an application role leak it under another name.
        var piiColumns = pii.Select(static p => (p.Rel, p.Attnum)).ToHashSet();
        var leaks = new List<(uint View, uint Rel, short Att)>();
        await context.ReadAsync(
            """
            SELECT DISTINCT rw.ev_class, d.refobjid, d.refobjsubid::smallint
            FROM pg_rewrite rw JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid
                 AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0
            WHERE d.refobjid <> rw.ev_class
            """,
            [],
            reader =>
            {
                (uint, short) column = (reader.GetFieldValue<uint>(1), reader.GetInt16(2));
                if (piiColumns.Contains(column))
                {
                    leaks.Add((reader.GetFieldValue<uint>(0), column.Item1, column.Item2));
                }
            }).ConfigureAwait(false);
        foreach ((uint view, uint rel, short att) in leaks)
        {
            if (!relations.TryGetValue(view, out Relation? v))
            {
                continue;
            }

            string column = relations[rel].FullName + "." + pii.First(p => p.Rel == rel && p.Attnum == att).Name;
            foreach (string role in others)
            {
                if (v.Privileges.Contains((role, "SELECT")))
                {
                    findings.Add(new(SecurityFindingKind.PiiReadable, v.FullName, role, $"{role} may read view {v.FullName}, which exposes {column}"));
                }
            }
        }
    }

    private async Task CheckSequencesAsync(Context context, List<string> roles, List<SecurityFinding> findings)
    {
        await context.ReadAsync(
            """
            SELECT n.nspname, c.relname, r.name, has_sequence_privilege(r.name, c.oid, 'USAGE'),
                   has_sequence_privilege(r.name, c.oid, 'SELECT'), has_sequence_privilege(r.name, c.oid, 'UPDATE')
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace CROSS JOIN unnest($2::text[]) AS r(name)
            WHERE n.nspname = ANY($1) AND c.relkind = 'S'
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
            """,
            [context.Schemas, roles.ToArray()],
            reader =>
            {
                string name = reader.GetString(0) + "." + reader.GetString(1);
                string role = reader.GetString(2);
                bool usage = reader.GetBoolean(3);
                bool select = reader.GetBoolean(4);
                bool update = reader.GetBoolean(5);
                if (role == "service_role")
                {
                    if (!usage)
                    {
                        findings.Add(new(SecurityFindingKind.MissingPrivilege, name, role, $"service_role lacks USAGE on sequence {name}"));
                    }

                    return;
                }

                bool bronze = Classify(reader.GetString(0), reader.GetString(1)) == Layer.Bronze;
                if (usage && !(role == "edge_uploader" && bronze))
                {
                    findings.Add(new(SecurityFindingKind.ExcessPrivilege, name, role, $"{role} may use sequence {name}"));
                }

                if (select || update)
                {
                    findings.Add(new(SecurityFindingKind.ExcessPrivilege, name, role, $"{role} may {(update ? "UPDATE" : "SELECT")} sequence {name}"));
                }
            }).ConfigureAwait(false);
    }

    private static async Task CheckFunctionsAsync(Context context, List<string> roles, List<SecurityFinding> findings)
    {
        bool anon = roles.Contains("anon");
        await context.ReadAsync(
            """
            SELECT n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', p.prosecdef,
                   EXISTS (SELECT 1 FROM unnest(coalesce(p.proconfig, '{}'::text[])) AS s(setting) WHERE s.setting LIKE 'search_path=%'),
                   CASE WHEN $2 THEN has_function_privilege('anon', p.oid, 'EXECUTE') ELSE false END
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = ANY($1)
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
            """,
            [context.Schemas, anon],
            reader =>
            {
                string function = reader.GetString(0);
                if (reader.GetBoolean(1) && !reader.GetBoolean(2))
                {
                    findings.Add(new(SecurityFindingKind.SecurityDefinerWithoutSearchPath, function, null,
                        $"SECURITY DEFINER function {function} does not fix its search_path (SET search_path = …)"));
                }

                if (reader.GetBoolean(3))
                {
                    findings.Add(new(SecurityFindingKind.FunctionCallableByAnon, function, "anon",
                        $"anon may execute {function} (revoke EXECUTE from PUBLIC and anon)"));
                }
            }).ConfigureAwait(false);
    }

    private sealed record Relation(
        uint Oid, string Schema, string Name, char Kind, bool RowSecurity, bool ForceRowSecurity, bool SecurityInvoker, bool HasTenantId,
        Layer Layer, bool AppendOnly)
    {
        public string FullName { get; } = Schema + "." + Name;

        public HashSet<(string Role, string Privilege)> Privileges { get; } = [];
    }

    private sealed record Policy(string Table, string Name, bool Permissive, string[] PolicyRoles, string Command, string Using)
    {
        public bool AppliesTo(string role) => PolicyRoles.Contains(role) || PolicyRoles.Contains("public");

        public bool Covers(string privilege) => Command == "ALL" || string.Equals(Command, privilege, StringComparison.Ordinal);
    }

    private sealed class Context(NpgsqlConnection connection, string[] schemas, CancellationToken cancellationToken)
    {
        public string[] Schemas { get; } = schemas;

        public async Task ReadAsync(string sql, object[] parameters, Action<NpgsqlDataReader> row)
        {
            using var command = new NpgsqlCommand(sql, connection);
            foreach (object value in parameters)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    row(reader);
                }
            }
        }
    }
}
