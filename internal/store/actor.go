package store

// Role is what a user or token may do. Supplier users and tokens also carry
// the supplier they belong to, and every supplier-facing query takes it.
type Role string

const (
	RoleAdmin     Role = "admin"
	RoleBuyer     Role = "buyer"
	RoleApprover  Role = "approver"
	RoleWarehouse Role = "warehouse"
	RoleAP        Role = "ap"
	RoleSupplier  Role = "supplier"
)

// Roles lists every role, for validation and help texts.
var Roles = []Role{RoleAdmin, RoleBuyer, RoleApprover, RoleWarehouse, RoleAP, RoleSupplier}

// ValidRole reports whether r is a known role.
func ValidRole(r Role) bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// ActorKind says who acted: a person, a machine token, an EDI partner or the system.
type ActorKind string

const (
	ActorUser    ActorKind = "user"
	ActorToken   ActorKind = "token"
	ActorPartner ActorKind = "partner"
	ActorSystem  ActorKind = "system"
)

// Actor is who performs a command; it is written into every audit event.
// SupplierID is set for supplier users, supplier tokens and EDI partners and
// comes from the session, token or partner profile, never from a request body.
type Actor struct {
	Kind       ActorKind
	ID         int64
	Label      string
	Role       Role
	SupplierID int64
	// Channel is how the action arrived: portal, api, edi, email, cli, system.
	Channel string
}

// IsSupplier reports whether the actor acts for one supplier only.
func (a Actor) IsSupplier() bool { return a.Role == RoleSupplier || a.Kind == ActorPartner }

// HasRole reports whether the actor has one of roles (admin has them all
// except acting as a supplier).
func (a Actor) HasRole(roles ...Role) bool {
	for _, r := range roles {
		if a.Role == r || (a.Role == RoleAdmin && r != RoleSupplier) {
			return true
		}
	}
	return false
}

// System is the actor for scheduled and background work.
func System(channel string) Actor {
	return Actor{Kind: ActorSystem, Label: "system", Role: RoleAdmin, Channel: channel}
}
