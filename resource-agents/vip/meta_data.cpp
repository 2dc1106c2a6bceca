// meta_data_xml(): the text `vip meta-data` prints.
#include "hamail/agents/vip/meta_data.h"

namespace hamail::vip {

std::string meta_data_xml() {
  return R"(<?xml version="1.0"?>
<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">
<resource-agent name="vip" version="1.0">
<version>1.0</version>
<longdesc lang="en">
A virtual IP address (IPv4 or IPv6) that follows the active node: start probes that no
other machine answers for the address (ARP probe / duplicate address detection), adds it
to the interface through rtnetlink and announces it with gratuitous ARP (IPv4) or
unsolicited neighbour advertisements (IPv6) so neighbours switch at once; stop removes it;
monitor checks it is configured and the link is up. Written in C++ on libnl-route-3, no
helper programs.
</longdesc>
<shortdesc lang="en">Virtual IP address (hamail)</shortdesc>
<parameters>
<parameter name="ip" unique="1" required="1">
<longdesc lang="en">The IPv4 or IPv6 address, e.g. 10.0.0.10 or 2001:db8::10.</longdesc>
<shortdesc lang="en">Virtual IP address</shortdesc>
<content type="string" default="" />
</parameter>
<parameter name="cidr_netmask">
<longdesc lang="en">Prefix length of the address (an IPv4 dotted netmask is accepted too). Default: 24 for IPv4, 64 for IPv6.</longdesc>
<shortdesc lang="en">Prefix length</shortdesc>
<content type="string" default="" />
</parameter>
<parameter name="nic">
<longdesc lang="en">Interface to put the address on. Default: the interface whose connected subnet contains ip.</longdesc>
<shortdesc lang="en">Network interface</shortdesc>
<content type="string" default="" />
</parameter>
<parameter name="label">
<longdesc lang="en">IPv4 address label, starting with the interface name, e.g. eth0:mail.</longdesc>
<shortdesc lang="en">Address label (IPv4)</shortdesc>
<content type="string" default="" />
</parameter>
<parameter name="arp_count">
<longdesc lang="en">Number of announcements (gratuitous ARP / unsolicited neighbour advertisements) after the address is added; 0 sends none. At most 100.</longdesc>
<shortdesc lang="en">Announcements</shortdesc>
<content type="integer" default="5" />
</parameter>
<parameter name="arp_interval_ms">
<longdesc lang="en">Milliseconds between announcements. The first is sent at once, before start returns; the others from a short-lived background process.</longdesc>
<shortdesc lang="en">Announcement interval (ms)</shortdesc>
<content type="integer" default="200" />
</parameter>
<parameter name="check_duplicate">
<longdesc lang="en">Before adding the address, probe (2 probes, 50 ms apart) whether another machine already answers for it, and refuse to start if one does.</longdesc>
<shortdesc lang="en">Refuse a duplicate address</shortdesc>
<content type="boolean" default="true" />
</parameter>
</parameters>
<actions>
<action name="start" timeout="20s" />
<action name="stop" timeout="20s" />
<action name="monitor" timeout="20s" interval="10s" depth="0" />
<action name="meta-data" timeout="5s" />
<action name="validate-all" timeout="20s" />
</actions>
</resource-agent>
)";
}

}  // namespace hamail::vip
