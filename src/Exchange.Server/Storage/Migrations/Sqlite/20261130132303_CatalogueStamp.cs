using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Exchange.Server.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CatalogueStamp : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The catalogue is cached against the same stamp as admission: every change to it raises the stamp.
            migrationBuilder.Sql("""
                CREATE TRIGGER indicators_stamp_insert AFTER INSERT ON indicators BEGIN UPDATE admission_stamp SET "Version" = "Version" + 1 WHERE "Id" = 1; END;
                CREATE TRIGGER indicators_stamp_update AFTER UPDATE ON indicators BEGIN UPDATE admission_stamp SET "Version" = "Version" + 1 WHERE "Id" = 1; END;
                CREATE TRIGGER indicators_stamp_delete AFTER DELETE ON indicators BEGIN UPDATE admission_stamp SET "Version" = "Version" + 1 WHERE "Id" = 1; END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER indicators_stamp_insert;
                DROP TRIGGER indicators_stamp_update;
                DROP TRIGGER indicators_stamp_delete;
                """);
        }
    }
}
