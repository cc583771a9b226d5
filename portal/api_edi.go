package portal

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/gateway"
	"github.com/pogate/pogate/internal/store"
)

func init() {
	addRoutes(func(s *Server, api, _ *gin.RouterGroup) {
		api.POST("/edi/files", s.requireRole(store.RoleBuyer, store.RoleAP, store.RoleSupplier), s.apiUploadEDI)
		api.GET("/edi/files", s.apiListEDIFiles)
		api.GET("/edi/files/:file_id", s.apiGetEDIFile)
		api.GET("/edi/files/:file_id/raw", s.apiGetEDIFileRaw)
	})
}

// ediGateways holds the gateway serve shares with the portal (its core and
// folders); a server nobody set one for builds its own from its deps.
var ediGateways sync.Map // *Server → *gateway.Gateway

// SetEDIGateway makes the API use g (serve calls it with the gateway that
// also runs the folder poller and the SFTP server).
func (s *Server) SetEDIGateway(g *gateway.Gateway) { ediGateways.Store(s, g) }

// EDIGateway is the gateway the EDI pages and endpoints use.
func (s *Server) EDIGateway() *gateway.Gateway {
	if g, ok := ediGateways.Load(s); ok {
		return g.(*gateway.Gateway)
	}
	g := gateway.New(gateway.Options{Store: s.Store, Log: s.Log, DataDir: s.Config.DataDir, MaxFileBytes: s.Config.MaxUploadBytes})
	actual, _ := ediGateways.LoadOrStore(s, g)
	return actual.(*gateway.Gateway)
}

// apiUploadEDI takes an X12 file as the raw body or the multipart field
// "file", stores it before anything else and runs the inbound pipeline. A
// supplier's token may upload only its own partner's files (the supplier
// comes from the token); staff may upload for any partner. The answer is
// the file as stored, with its sets and the 997 sent back.
func (s *Server) apiUploadEDI(c *gin.Context) {
	r, name, err := uploadedFile(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		s.fail(c, classify(err))
		return
	}
	actor := actorOf(c)
	src := gateway.Source{Kind: gateway.SourceUpload, By: actor.Label}
	if actor.IsSupplier() {
		if actor.SupplierID <= 0 {
			s.fail(c, fault.New(fault.Forbidden, "this token belongs to no supplier"))
			return
		}
		src.SupplierID = actor.SupplierID
	}
	if name == "" {
		name = "upload-" + time.Now().UTC().Format("20060102T150405") + ".edi"
	}
	g := s.EDIGateway()
	f, err := g.Ingest(c.Request.Context(), src, name, data)
	if err != nil {
		s.fail(c, err)
		return
	}
	d, err := g.FileDetail(c.Request.Context(), actor, f.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, ediDetailView(d))
}

func (s *Server) apiListEDIFiles(c *gin.Context) {
	page, err := pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f := store.EDIFileFilter{Direction: c.Query("direction"), Kind: c.Query("kind"), Search: c.Query("q"), Flagged: c.Query("flagged") == "true"}
	if v := c.Query("status"); v != "" {
		f.Statuses = strings.Split(v, ",")
	}
	for name, dst := range map[string]*int64{"partner_id": &f.PartnerID, "po_id": &f.POID, "supplier_id": &f.SupplierID} {
		if v := c.Query(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				s.fail(c, fieldErr(name, "must be a positive whole number"))
				return
			}
			*dst = n
		}
	}
	files, total, err := s.EDIGateway().Files(c.Request.Context(), actorOf(c), f, page)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, listOf(files, total, page, ediFileView))
}

func (s *Server) apiGetEDIFile(c *gin.Context) {
	id, err := idParam(c, "file_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	d, err := s.EDIGateway().FileDetail(c.Request.Context(), actorOf(c), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, ediDetailView(d))
}

// apiGetEDIFileRaw serves the bytes exactly as received or sent.
func (s *Server) apiGetEDIFileRaw(c *gin.Context) {
	id, err := idParam(c, "file_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	f, raw, err := s.EDIGateway().Raw(c.Request.Context(), actorOf(c), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", fmt.Sprintf("attachment; filename=%q", strings.ReplaceAll(f.Filename, `"`, "_")))
	c.Header("X-Content-Type-Options", "nosniff")
	c.Data(http.StatusOK, "application/edi-x12", raw)
}

type ediFileJSON struct {
	ID                 int64      `json:"id"`
	Direction          string     `json:"direction"`
	Kind               string     `json:"kind"`
	PartnerID          *int64     `json:"partner_id"`
	SupplierID         *int64     `json:"supplier_id"`
	Source             string     `json:"source"`
	Filename           string     `json:"filename"`
	SHA256             string     `json:"sha256"`
	SizeBytes          int64      `json:"size_bytes"`
	Status             string     `json:"status"`
	Error              string     `json:"error"`
	Sender             string     `json:"sender"`
	Receiver           string     `json:"receiver"`
	InterchangeControl string     `json:"interchange_control"`
	DuplicateOf        *int64     `json:"duplicate_of,omitempty"`
	POID               *int64     `json:"po_id,omitempty"`
	AckForFileID       *int64     `json:"ack_for_file_id,omitempty"`
	AckStatus          string     `json:"ack_status,omitempty"`
	AckDueAt           *time.Time `json:"ack_due_at,omitempty"`
	AckedAt            *time.Time `json:"acked_at,omitempty"`
	FlaggedAt          *time.Time `json:"flagged_at,omitempty"`
	FlagReason         string     `json:"flag_reason,omitempty"`
	ReceivedBy         string     `json:"received_by,omitempty"`
	CreatedAt          time.Time  `json:"created_at"`
	ProcessedAt        *time.Time `json:"processed_at,omitempty"`
}

func ediFileView(f store.EDIFile) ediFileJSON {
	party := func(q, id string) string {
		if id == "" {
			return ""
		}
		return q + "/" + id
	}
	return ediFileJSON{ID: f.ID, Direction: f.Direction, Kind: f.Kind, PartnerID: f.PartnerID, SupplierID: f.SupplierID, Source: f.Source,
		Filename: f.Filename, SHA256: f.SHA256, SizeBytes: f.SizeBytes, Status: f.Status, Error: f.ErrorText,
		Sender: party(f.SenderQualifier, f.SenderID), Receiver: party(f.ReceiverQualifier, f.ReceiverID),
		InterchangeControl: f.InterchangeControl, DuplicateOf: f.DuplicateOf, POID: f.POID, AckForFileID: f.AckForFileID,
		AckStatus: f.AckStatus, AckDueAt: f.AckDueAt, AckedAt: f.AckedAt, FlaggedAt: f.FlaggedAt, FlagReason: f.FlagReason,
		ReceivedBy: f.ReceivedBy, CreatedAt: f.CreatedAt, ProcessedAt: f.ProcessedAt}
}

type ediTransactionJSON struct {
	Seq           int        `json:"seq"`
	Set           string     `json:"set"`
	ControlNumber string     `json:"control_number"`
	GroupControl  string     `json:"group_control"`
	Reference     string     `json:"reference"`
	Status        string     `json:"status"`
	Error         string     `json:"error"`
	Entity        string     `json:"entity,omitempty"`
	EntityID      *int64     `json:"entity_id,omitempty"`
	Attempts      int        `json:"attempts"`
	NextAttemptAt *time.Time `json:"next_attempt_at,omitempty"`
}

type ediAckJSON struct {
	Direction    string `json:"direction"`
	FileID       int64  `json:"file_id"`
	AckedFileID  *int64 `json:"acked_file_id,omitempty"`
	FunctionalID string `json:"functional_id,omitempty"`
	GroupControl string `json:"group_control,omitempty"`
	Status       string `json:"status"`
	TA1Code      string `json:"ta1_code,omitempty"`
}

type ediAckFileJSON struct {
	ediFileJSON
	Text string `json:"text"`
}

type ediDetailJSON struct {
	ediFileJSON
	Partner      string               `json:"partner,omitempty"`
	Transactions []ediTransactionJSON `json:"transactions"`
	Acks         []ediAckJSON         `json:"acks"`
	AcksSent     []ediAckFileJSON     `json:"acks_sent"`
	AckedBy      []ediFileJSON        `json:"acked_by"`
}

func ediDetailView(d gateway.Detail) ediDetailJSON {
	v := ediDetailJSON{ediFileJSON: ediFileView(d.File), Transactions: []ediTransactionJSON{}, Acks: []ediAckJSON{},
		AcksSent: []ediAckFileJSON{}, AckedBy: []ediFileJSON{}}
	if d.Partner != nil {
		v.Partner = d.Partner.Name
	}
	for _, t := range d.Transactions {
		v.Transactions = append(v.Transactions, ediTransactionJSON{Seq: t.Seq, Set: t.SetID, ControlNumber: t.ControlNumber,
			GroupControl: t.GroupControl, Reference: t.Reference, Status: t.Status, Error: t.ErrorText, Entity: t.Entity,
			EntityID: t.EntityID, Attempts: t.Attempts, NextAttemptAt: t.NextAttemptAt})
	}
	for _, a := range d.Acks {
		v.Acks = append(v.Acks, ediAckJSON{Direction: a.Direction, FileID: a.FileID, AckedFileID: a.AckedFileID,
			FunctionalID: a.FunctionalID, GroupControl: a.GroupControl, Status: a.Status, TA1Code: a.TA1Code})
	}
	for _, a := range d.AcksSent {
		v.AcksSent = append(v.AcksSent, ediAckFileJSON{ediFileJSON: ediFileView(a.File), Text: a.Text})
	}
	for _, f := range d.AckedBy {
		v.AckedBy = append(v.AckedBy, ediFileView(f))
	}
	return v
}
