using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Exchange.Server.Storage.Migrations.Sqlite
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
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_admission_stamp", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "admission_stamp",
                columns: new[] { "Id", "Version" },
                values: new object[] { 1, 0L });

            // Every change to who may call raises the stamp, in the same transaction.
            migrationBuilder.Sql("""
                CREATE TRIGGER authorities_admission_insert AFTER INSERT ON authorities BEGIN UPDATE admission_stamp SET "Version" = "Version" + 1 WHERE "Id" = 1; END;
                CREATE TRIGGER authorities_admission_update AFTER UPDATE ON authorities BEGIN UPDATE admission_stamp SET "Version" = "Version" + 1 WHERE "Id" = 1; END;
                CREATE TRIGGER authorities_admission_delete AFTER DELETE ON authorities BEGIN UPDATE admission_stamp SET "Version" = "Version" + 1 WHERE "Id" = 1; END;
                CREATE TRIGGER grants_admission_insert AFTER INSERT ON grants BEGIN UPDATE admission_stamp SET "Version" = "Version" + 1 WHERE "Id" = 1; END;
                CREATE TRIGGER grants_admission_update AFTER UPDATE ON grants BEGIN UPDATE admission_stamp SET "Version" = "Version" + 1 WHERE "Id" = 1; END;
                CREATE TRIGGER grants_admission_delete AFTER DELETE ON grants BEGIN UPDATE admission_stamp SET "Version" = "Version" + 1 WHERE "Id" = 1; END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER authorities_admission_insert;
                DROP TRIGGER authorities_admission_update;
                DROP TRIGGER authorities_admission_delete;
                DROP TRIGGER grants_admission_insert;
                DROP TRIGGER grants_admission_update;
                DROP TRIGGER grants_admission_delete;
                """);
            migrationBuilder.DropTable(
                name: "admission_stamp");
        }
    }
}
