"""Word lists for recognising names in free text (xlpy.intake.privacy): given names and surnames common among
the project's participants and staff, and capitalised words that are places, employers or the
contract's own terms. Lower case; data only.

The lists decide two things. A known given name followed by a surname-like word is a name in any case
("FATIMA ALI", "fatima ali"); without one, only a run of capitalised words none of which is a known
place, employer or ordinary word is taken for a name ("Hodan Warsame").
"""

from __future__ import annotations

# -- given names: the commonest in Sweden, and among women born in Syria, Iraq, Somalia, Eritrea,
#    Afghanistan, Iran and the Balkans (the project's target group), in the spellings staff meet --
GIVEN_NAMES = frozenset("""
anna eva maria karin sara kristina lena emma kerstin marie malin ingrid hanna jenny linda elin birgitta
sofia annika susanne inger ida monica johanna carina elisabeth ulla julia helena camilla åsa anneli
matilda ebba alice maja elsa wilma astrid freja lova agnes klara saga ella stella alma selma ellen
therese cecilia frida linnea louise josefin emelie caroline jessica sandra petra victoria ylva gunilla
margareta britt marianne agneta eva-lena anna-karin ann-marie ann-sofie lisa lotta mona pia siv
erik lars karl anders johan per nils jan carl mikael hans peter olof gunnar sven fredrik daniel
bengt åke mats magnus stefan andreas thomas ulf oskar jonas bo leif henrik göran alexander marcus
niklas björn martin mattias robert patrik christer rolf kjell stig tommy johannes william liam noah
hugo lucas oliver elias adam axel ludvig filip viktor emil isak leo theo
fatima aisha aysha amina amira asma asha aziza ayan fadumo farhiya faduma hodan halima hawa hibo hamdi
ifrah khadija khadra leyla leila layla maryam mariam muna nasra nimo sahra safiya sagal sadia salma
samira sana shukri warsan yasmin yasmine zahra zainab zeinab zaynab hana huda iman rania rana reem
rim dalia dina lina nour noor nur sawsan souad suad widad hiba ghada lubna maha manal mona nadia
nadja najla nawal rasha rola ruba samar sara sawsen wafaa yara zeina zina zahraa shahad hajar
afsaneh azadeh fereshteh golnar leila mahnaz maryam mina nasrin parisa roya shirin shabnam soraya
tahmineh zohreh farida fariba gulalai habiba hamida latifa malalai marzia masuda nazanin parwana
roshan sakina shakila shukria sultana zarmina zarghona
semhar saba helen hiwot luwam mebrat senait selam tsega winta yordanos abeba almaz eden feven
meron rahel ruth senayt tigist
amra azra alma emina elma lejla mirela jasmina selma merima dzenana aida edina nermina sanela
mohammed mohammad muhammad mohamed mahmoud ahmed ahmad ali hassan hussein husein omar umar abdi
abdullahi abdullah abdul yusuf youssef yousef ibrahim ismail khalid said saeed salah samir sami
tariq walid yasin yassin mustafa mostafa hamza karim amir ammar anas bilal fadi firas hadi hani
jamal jamil majid malik mazen nabil nasser osman rami reza saleh tamer ziad zaid faisal farid
hamid habib hakim jafar jawad kamal mehdi mehmet murat naveed rashid shafiq wahid
""".split())

# -- surnames: the commonest Swedish ones and frequent family names of the same origins --
SURNAMES = frozenset("""
andersson johansson karlsson nilsson eriksson larsson olsson persson svensson gustafsson pettersson
jonsson jansson hansson bengtsson jönsson lindberg jakobsson magnusson olofsson lindström lindqvist
lindgren berg axelsson bergström lundberg lind lundgren lundqvist mattsson berglund fredriksson
sandberg henriksson forsberg sjöberg ali mohamed mohammed ahmed hassan hussein abdi omar ibrahim
yusuf ismail osman farah warsame jama aden nur nour abdullahi haji hersi egal dahir elmi guled
said saleh khalil haddad hamad hamid karimi rahimi hosseini mohammadi ahmadi rezaei hashemi jafari
akbari moradi sadeghi rostami kazemi azizi nazari haidari sultani popal noori amiri hadi
tesfay tesfaye gebre gebremedhin haile kidane tekle berhe ghebre mehari kahsay
hodžić hodzic begić begic hadžić hadzic kovačević kovacevic delić delic mehmedović mehmedovic
yilmaz kaya demir şahin sahin çelik celik öztürk ozturk aydin arslan doğan dogan
""".split())

# -- surname endings: -sson, -berg, -ström, -zadeh, -ović, -ić, ... (in any case) --
SURNAME_SUFFIXES = ("sson", "berg", "ström", "strom", "qvist", "kvist", "lund", "gren", "zadeh", "ović", "ovic",
                    "ević", "evic", "ić")

# -- capitalised words that are places, employers, organisations or the contract's own terms; a run of
#    capitalised words containing one of these is not a name --
PLACES = """
Klippan Klippans Perstorp Perstorps Åstorp Åstorps Bjuv Bjuvs Helsingborg Helsingborgs Ängelholm Ängelholms
Höganäs Höganäs Örkelljunga Örkelljungas Hässleholm Hässleholms Landskrona Landskronas Lund Lunds Malmö Malmös
Kristianstad Kristianstads Eslöv Eslövs Höör Höörs Hörby Hörby Svalöv Svalövs Staffanstorp Staffanstorps
Burlöv Burlövs Lomma Lommas Kävlinge Kävlinges Vellinge Vellinges Trelleborg Trelleborgs Skurup Skurups
Svedala Svedalas Ystad Ystads Simrishamn Simrishamns Tomelilla Tomelillas Sjöbo Sjöbos Osby Osbys
Östra Västra Norra Södra Lilla Stora Göinge Bromölla Bromöllas Båstad Båstads Sverige Sveriges Skåne
Skånes Stockholm Stockholms Göteborg Göteborgs Uppsala Upplands Väsby Edet Sölvesborg Ljungbyhed
Kvidinge Östra Ljungby Hyllstofta Oderljunga Stidsvig Skånes-Fagerhult Tyringe Söderåsen Nordvästra
Syrien Irak Somalia Eritrea Afghanistan Iran Etiopien Bosnien Turkiet Europa
""".split()
EMPLOYERS = """
Ica Maxi Kvantum Nära Supermarket Coop Konsum Willys Lidl Hemköp Netto Citygross City Gross Axfood
Systembolaget Apoteket Apotek Hjärtat Kronans Lloyds Clas Ohlson Jula Biltema Ikea Ikeas Rusta Normal
Dollarstore Överskottsbolaget Lager Röda Korset Korsets Myrorna Erikshjälpen Stadsmissionen Emmaus
Scandic Espresso House Max Burger Burgers Pizzeria Pizza Sibylla Subway Sodexo Compass Eurest
Samhall Samhalls Postnord Bring Dhl Schenker Nolato Perstorp Orkla Findus Pågen Pågens Skånemejerier
Lantmännen Arla Trioplast Ikano Peab Skanska Ncc Veidekke Securitas Coor Iss Elite
Region Regionen Skånetrafiken Vårdcentral Vårdcentralen Närhälsan Capio Praktikertjänst Kry
Kommun Kommunen Kommunens Stad Staden Stadens Förvaltning Förvaltningen Nämnd Nämnden Bolag Bolaget
Bibliotek Biblioteket Förskola Förskolan Skola Skolan Grundskola Gymnasium Gymnasiet Skolkök Skolköket
Äldreboende Äldreboendet Hemtjänst Hemtjänsten Lokalvård Lokalvården Café Caféet Kafé Restaurang
Restaurangen Bageri Bageriet Konditori Frisör Salong Butik Butiken Livsmedelsbutik Lager Lagret
Fritidsgård Fritidsgården Kyrkan Kyrka Församling Församlingen Svenska Kyrkans Förening Föreningen
Folkhögskola Folkhögskolan Komvux Sfi Yrkes-SFI Vuxenutbildningen Lärcentrum Lärcentrumet Medborgarskolan
Studiefrämjandet Abf Sensus Vuxenskolan Arbetsförmedlingen Arbetsförmedlingens Försäkringskassan
Försäkringskassans Migrationsverket Skatteverket Socialtjänsten Socialtjänstens Samordningsförbundet
Samordningsförbundets Finsam Nnv Esf Esf-rådet Hotell Hotel Gård Gården Handelsträdgård Plantskola
Ab Hb Kb Ekonomisk Aktiebolag Group Sverige Nordic Scandinavia International Center Centrum Service
Holding Solutions Logistics Services Chemicals Specialty Industries Industri Industrier Second Hand Shop
Store Market Food Foods Cleaning Care Home Bygg Städ Transport Åkeri Verkstad El Fastigheter Bostäder
""".split()
TERMS = """
Första Steget Arbete Studier Planering Annat Praktik Grupp Gruppen Omgång Vår Höst Vårterminen Höstterminen
Januari Februari Mars April Maj Juni Juli Augusti September Oktober November December
Måndag Tisdag Onsdag Torsdag Fredag Lördag Söndag Ej Ja Nej Deltagare Deltagaren Deltagarna
Processledare Processledaren Processledarna Processmedarbetare Språkstöd Språkstödet Syv Handlingsplan
Vägledning Närvaro Utfall Personal Mål Statistik Texter Inställningar Kontroll Resultat Måluppfyllelse
Samhällskostnad Bakgrund Syfte Omvärldsbevakning Utmaningar Sammanfattning Rekommendationer Insatsen
Halv Femme Familjen MatchIT Matchit Jobbsprånget Etableringen
Projektet Projekt Utvärdering Utvärderare Utvärderingen Rapport Rapporten Årsrapport Styrgruppen Styrgrupp
""".split()
COMMON_CAPITALISED = frozenset(w.lower() for w in (*PLACES, *EMPLOYERS, *TERMS))
