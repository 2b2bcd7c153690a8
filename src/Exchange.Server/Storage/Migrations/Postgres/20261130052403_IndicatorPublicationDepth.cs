using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Exchange.Server.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class IndicatorPublicationDepth : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "MaxCrossedDimensions",
                table: "indicators",
                type: "integer",
                nullable: false,
                defaultValue: 2);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "MaxCrossedDimensions",
                table: "indicators");
        }
    }
}
