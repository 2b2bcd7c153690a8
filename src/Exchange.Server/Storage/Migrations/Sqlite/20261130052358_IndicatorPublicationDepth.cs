using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Exchange.Server.Storage.Migrations.Sqlite
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
                type: "INTEGER",
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
