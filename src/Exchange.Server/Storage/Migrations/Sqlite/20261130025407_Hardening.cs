using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Exchange.Server.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Hardening : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "CredentialsVersion",
                table: "authorities",
                newName: "TokenVersion");

            migrationBuilder.AddColumn<string>(
                name: "Origin",
                table: "credentials",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "Onboarding");

            // Credentials created before origins existed: the server's own (bootstrap, demo seed) are
            // System; an operator's were onboarding, the only way an operator may add one now.
            migrationBuilder.Sql("UPDATE credentials SET \"Origin\" = 'System' WHERE \"CreatedBy\" = 'bootstrap'");

            migrationBuilder.AddColumn<int>(
                name: "Count",
                table: "audit_events",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<string>(
                name: "Reason",
                table: "audit_events",
                type: "TEXT",
                maxLength: 500,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "SubjectAuthorityId",
                table: "audit_events",
                type: "TEXT",
                maxLength: 63,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "client_assertions",
                columns: table => new
                {
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Jti = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_client_assertions", x => new { x.ClientId, x.Jti });
                });

            migrationBuilder.CreateTable(
                name: "credential_changes",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    AuthorityId = table.Column<string>(type: "TEXT", maxLength: 63, nullable: false),
                    KeyId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    PublicJwk = table.Column<string>(type: "TEXT", nullable: false),
                    RevokeExisting = table.Column<bool>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    RequestedBy = table.Column<string>(type: "TEXT", maxLength: 63, nullable: false),
                    RequestedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    DecidedBy = table.Column<string>(type: "TEXT", maxLength: 63, nullable: true),
                    DecidedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DecisionReason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    CredentialId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_credential_changes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_credential_changes_authorities_AuthorityId",
                        column: x => x.AuthorityId,
                        principalTable: "authorities",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_SubjectAuthorityId",
                table: "audit_events",
                column: "SubjectAuthorityId");

            migrationBuilder.CreateIndex(
                name: "IX_client_assertions_ExpiresAt",
                table: "client_assertions",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_credential_changes_AuthorityId_State",
                table: "credential_changes",
                columns: new[] { "AuthorityId", "State" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "client_assertions");

            migrationBuilder.DropTable(
                name: "credential_changes");

            migrationBuilder.DropIndex(
                name: "IX_audit_events_SubjectAuthorityId",
                table: "audit_events");

            migrationBuilder.DropColumn(
                name: "Origin",
                table: "credentials");

            migrationBuilder.DropColumn(
                name: "Count",
                table: "audit_events");

            migrationBuilder.DropColumn(
                name: "Reason",
                table: "audit_events");

            migrationBuilder.DropColumn(
                name: "SubjectAuthorityId",
                table: "audit_events");

            migrationBuilder.RenameColumn(
                name: "TokenVersion",
                table: "authorities",
                newName: "CredentialsVersion");
        }
    }
}
