using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Exchange.Server.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CatalogueStamp : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The catalogue is cached against the same stamp as admission: every change to it raises the
            // stamp and is NOTIFYed to every server.
            migrationBuilder.Sql("""
                CREATE TRIGGER indicators_stamp AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON indicators
                    FOR EACH STATEMENT EXECUTE FUNCTION exchange_admission_changed();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER indicators_stamp ON indicators;");
        }
    }
}
