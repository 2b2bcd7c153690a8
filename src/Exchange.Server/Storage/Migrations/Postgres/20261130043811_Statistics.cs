using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Exchange.Server.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Statistics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "DefinitionVersion",
                table: "indicators",
                type: "integer",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<string>(
                name: "ReportingLevel",
                table: "indicators",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "Municipality");

            migrationBuilder.AddColumn<string>(
                name: "ReportingPeriod",
                table: "indicators",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "Month");

            migrationBuilder.CreateTable(
                name: "statistics_cells",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    IndicatorCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    DefinitionVersion = table.Column<int>(type: "integer", nullable: false),
                    Year = table.Column<int>(type: "integer", nullable: false),
                    PeriodNumber = table.Column<int>(type: "integer", nullable: false),
                    AreaCode = table.Column<string>(type: "character varying(4)", maxLength: 4, nullable: false),
                    Dimensions = table.Column<string>(type: "character varying(1100)", maxLength: 1100, nullable: false),
                    ReporterId = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    Count = table.Column<long>(type: "bigint", nullable: false),
                    SubmissionId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    ReportedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_statistics_cells", x => x.Id);
                    table.ForeignKey(
                        name: "FK_statistics_cells_indicators_IndicatorCode",
                        column: x => x.IndicatorCode,
                        principalTable: "indicators",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "statistics_revisions",
                columns: table => new
                {
                    IndicatorCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Year = table.Column<int>(type: "integer", nullable: false),
                    Revision = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_statistics_revisions", x => new { x.IndicatorCode, x.Year });
                });

            migrationBuilder.CreateTable(
                name: "statistics_submissions",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    AuthorityId = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    RequestId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ContentHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CellCount = table.Column<int>(type: "integer", nullable: false),
                    ReplacedCount = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_statistics_submissions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_statistics_submissions_authorities_AuthorityId",
                        column: x => x.AuthorityId,
                        principalTable: "authorities",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "statistics_cell_revisions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CellId = table.Column<long>(type: "bigint", nullable: false),
                    Count = table.Column<long>(type: "bigint", nullable: false),
                    SubmissionId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    ReportedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ReplacedBySubmissionId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    ReplacedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_statistics_cell_revisions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_statistics_cell_revisions_statistics_cells_CellId",
                        column: x => x.CellId,
                        principalTable: "statistics_cells",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_statistics_cell_revisions_CellId",
                table: "statistics_cell_revisions",
                column: "CellId");

            migrationBuilder.CreateIndex(
                name: "IX_statistics_cells_IndicatorCode_DefinitionVersion_Year_Repor~",
                table: "statistics_cells",
                columns: new[] { "IndicatorCode", "DefinitionVersion", "Year", "ReporterId", "PeriodNumber", "AreaCode", "Dimensions" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_statistics_submissions_AuthorityId_RequestId",
                table: "statistics_submissions",
                columns: new[] { "AuthorityId", "RequestId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "statistics_cell_revisions");

            migrationBuilder.DropTable(
                name: "statistics_revisions");

            migrationBuilder.DropTable(
                name: "statistics_submissions");

            migrationBuilder.DropTable(
                name: "statistics_cells");

            migrationBuilder.DropColumn(
                name: "DefinitionVersion",
                table: "indicators");

            migrationBuilder.DropColumn(
                name: "ReportingLevel",
                table: "indicators");

            migrationBuilder.DropColumn(
                name: "ReportingPeriod",
                table: "indicators");
        }
    }
}
