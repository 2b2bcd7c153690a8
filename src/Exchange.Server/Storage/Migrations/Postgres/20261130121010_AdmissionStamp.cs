using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Exchange.Server.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AdmissionStamp : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "admission_stamp",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_admission_stamp", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "admission_stamp",
                columns: new[] { "Id", "Version" },
                values: new object[] { 1, 0L });

            // Every change to who may call raises the stamp and tells every server listening (at
            // commit, and only if it commits); a new referral event wakes every server's watchers.
            migrationBuilder.Sql("""
                CREATE FUNCTION exchange_admission_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE stamp bigint;
                BEGIN
                    UPDATE admission_stamp SET "Version" = "Version" + 1 WHERE "Id" = 1 RETURNING "Version" INTO stamp;
                    PERFORM pg_notify('exchange_admission', stamp::text);
                    RETURN NULL;
                END $$;
                CREATE TRIGGER authorities_admission AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON authorities
                    FOR EACH STATEMENT EXECUTE FUNCTION exchange_admission_changed();
                CREATE TRIGGER grants_admission AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON grants
                    FOR EACH STATEMENT EXECUTE FUNCTION exchange_admission_changed();
                CREATE FUNCTION exchange_referral_event_stored() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('exchange_referrals', '');
                    RETURN NULL;
                END $$;
                CREATE TRIGGER referral_events_stored AFTER INSERT ON referral_events
                    FOR EACH STATEMENT EXECUTE FUNCTION exchange_referral_event_stored();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER referral_events_stored ON referral_events;
                DROP FUNCTION exchange_referral_event_stored();
                DROP TRIGGER grants_admission ON grants;
                DROP TRIGGER authorities_admission ON authorities;
                DROP FUNCTION exchange_admission_changed();
                """);
            migrationBuilder.DropTable(
                name: "admission_stamp");
        }
    }
}
