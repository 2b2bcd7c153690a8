using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Exchange.Server.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ReferralStreamsPerAuthority : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_referral_events_AuthorityId_Sequence",
                table: "referral_events");

            migrationBuilder.AddColumn<long>(
                name: "ConsentWithdrawnAt",
                table: "referrals",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "AuthoritySequence",
                table: "referral_events",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            // Events already stored keep their global number: increasing within each authority's
            // stream, so cursors handed out before this change still resume where they were.
            migrationBuilder.Sql("UPDATE referral_events SET \"AuthoritySequence\" = \"Sequence\"");

            migrationBuilder.CreateIndex(
                name: "IX_referral_events_AuthorityId_AuthoritySequence",
                table: "referral_events",
                columns: new[] { "AuthorityId", "AuthoritySequence" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_referral_events_AuthorityId_AuthoritySequence",
                table: "referral_events");

            migrationBuilder.DropColumn(
                name: "ConsentWithdrawnAt",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "AuthoritySequence",
                table: "referral_events");

            migrationBuilder.CreateIndex(
                name: "IX_referral_events_AuthorityId_Sequence",
                table: "referral_events",
                columns: new[] { "AuthorityId", "Sequence" });
        }
    }
}
